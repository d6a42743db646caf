"""Los dos comandos del README, tal como están escritos, en una copia limpia del proyecto y con
el Python del sistema (en Debian/Ubuntu, «externally-managed»: pip no instala ahí, PEP 668)."""

import contextlib
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.servidor import esperar_salud, puerto_libre, terminar

RAIZ = Path(__file__).resolve().parents[2]


def _comandos() -> list[str]:
    readme = (RAIZ / "README.md").read_text(encoding="utf-8")
    seccion = readme.split("## Dos comandos en una máquina nueva", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", seccion, re.S)]


def _copia_limpia(destino: Path) -> None:
    archivos = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=RAIZ,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for nombre in archivos:
        origen = RAIZ / nombre
        if origen.is_file():
            (destino / nombre).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origen, destino / nombre)


@pytest.mark.lento
def test_los_dos_comandos_del_readme_en_una_maquina_nueva(tmp_path):
    python3 = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    if python3 is None:
        pytest.skip("no hay python3 del sistema")
    proyecto = tmp_path / "turnos"
    _copia_limpia(proyecto)
    demo, pruebas = _comandos()
    puerto = puerto_libre()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "TURNOS_DB")
    }
    env.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=str(tmp_path), TURNOS_PORT=str(puerto))

    r = subprocess.run(
        f"{pruebas} tests/unit/test_readme.py -q -p no:cacheprovider",
        shell=True,
        cwd=proyecto,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "passed" in r.stdout

    salida = tmp_path / "demo.log"
    with salida.open("wb") as f:
        proceso = subprocess.Popen(
            demo,
            shell=True,
            cwd=proyecto,
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # sh → bash → turnos serve: se detiene el grupo entero
        )
    try:
        esperar_salud(f"http://127.0.0.1:{puerto}", proceso, 600)
        texto = salida.read_text()
        assert "Centro de demostración «demo» listo" in texto and "/kiosco/demo?token=" in texto
        assert (proyecto / "turnos.db").exists()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proceso.pid, signal.SIGTERM)
        terminar(proceso)

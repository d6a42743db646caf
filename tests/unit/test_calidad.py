"""Las herramientas del proyecto pasan: mypy estricto sobre todos los paquetes y ruff sobre todo."""

import subprocess
import sys
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]


def _correr(*cmd):
    return subprocess.run(cmd, cwd=RAIZ, capture_output=True, text=True, timeout=300)


def test_mypy_estricto_en_todos_los_paquetes():
    r = _correr(sys.executable, "-m", "mypy")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_cubre_cada_paquete_de_la_raiz():
    """Un paquete nuevo (citas, encuestas…) entra a mypy con su nombre en `files`."""
    import tomllib

    config = tomllib.loads((RAIZ / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    paquetes = {
        d.name
        for d in RAIZ.iterdir()
        if (d / "__init__.py").is_file() and d.name not in ("tests", "bench")
    }
    assert paquetes - set(config["files"]) == set()
    assert config["strict"] is True


def test_ruff_sin_hallazgos():
    r = _correr(sys.executable, "-m", "ruff", "check", "--quiet", ".")
    assert r.returncode == 0, r.stdout + r.stderr


def test_el_dominio_no_importa_infraestructura():
    prohibidos = ("sqlalchemy", "sqlmodel", "starlette", "escpos", "datetime.now", "time.time(")
    for archivo in (RAIZ / "turnos" / "dominio").glob("*.py"):
        texto = archivo.read_text(encoding="utf-8")
        for p in prohibidos:
            assert p not in texto, f"{archivo.name} usa {p}"

"""La rueda (wheel) de `pip install .` lleva todo lo que la app lee del disco."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]
NECESARIOS = [
    "turnos/plantillas/ventanilla.html",
    "turnos/plantillas/admin/tramites.html",
    "turnos/static/turnos.css",
    "turnos/static/ventanilla.js",
    "turnos/db/migraciones/env.py",
    "turnos/db/migraciones/script.py.mako",
    "turnos/db/migraciones/versions/0001_esquema_inicial.py",
    "kiosco/migraciones/0002_impresion.py",
    "metricas/migraciones/0003_kpi_dia.py",
    "metricas/migraciones/m001_acumulado.py",
    "metricas/migraciones/m002_eta_dia.py",
    "citas/migraciones/c001_citas.py",
    "citas/migraciones/c002_correo.py",
    "citas/plantillas/citas_datos.html",
    "citas/static/citas.css",
    "encuestas/migraciones/e001_encuestas.py",
    "encuestas/plantillas/encuesta_tableta.html",
    "encuestas/static/encuesta.js",
    "pantalla/plantillas/pantalla.html",
    "pantalla/static/pantalla.js",
    "firmware_config/impresoras/generico_80mm.yaml",
    "firmware_config/udev/99-turnos-impresoras.rules",
]


@pytest.mark.lento
def test_la_rueda_incluye_plantillas_estaticos_migraciones_y_perfiles(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(RAIZ),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    rueda = next(tmp_path.glob("turnos-*.whl"))
    nombres = set(zipfile.ZipFile(rueda).namelist())
    faltan = [n for n in NECESARIOS if n not in nombres]
    assert not faltan, faltan
    # La costura: las capacidades se descubren por los entry points de la rueda.
    puntos = next(n for n in nombres if n.endswith(".dist-info/entry_points.txt"))
    texto = zipfile.ZipFile(rueda).read(puntos).decode()
    for cap in ("kiosco", "metricas", "pantalla", "citas"):
        assert f"{cap} = {cap}.capacidad:CAPACIDAD" in texto, texto
    for paquete in ("kiosco", "metricas", "citas"):
        if (RAIZ / paquete / "__init__.py").exists():
            estaticos = [
                p.relative_to(RAIZ).as_posix()
                for p in (RAIZ / paquete).rglob("*")
                if p.is_file()
                and p.suffix in (".html", ".js", ".css")
                and "__pycache__" not in p.parts
            ]
            assert not [e for e in estaticos if e not in nombres]

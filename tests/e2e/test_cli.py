"""La CLI `turnos` en procesos reales, con una BD SQLite de archivo."""

import subprocess
import sys

import yaml
from starlette.testclient import TestClient

from turnos.settings import Settings
from turnos.web.app import crear_app


def turnos(*args, entrada=None, db):
    return subprocess.run(
        [sys.executable, "-m", "turnos.cli", *args, "--db", db],
        input=entrada,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_centro_catalogo_usuarios_tokens_y_dispositivos(tmp_path, sqlite_url):
    r = turnos("centros", "crear", "leon", "--nombre", "Centro León", db=sqlite_url)
    assert r.returncode == 0, r.stderr
    catalogo = tmp_path / "catalogo.yaml"
    catalogo.write_text(
        yaml.safe_dump(
            {
                "tramites": [
                    {
                        "clave": "LIC",
                        "nombre": "Licencia",
                        "prefijo": "L",
                        "espera_maxima_min": 30,
                        "requisitos": "INE\nCURP",
                    },
                    {
                        "clave": "ACT",
                        "nombre": "Acta de nacimiento",
                        "prefijo": "A",
                        "costo": "$90.00",
                    },
                ]
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    r = turnos("catalogo", "importar", str(catalogo), "--centro", "leon", db=sqlite_url)
    assert r.returncode == 0 and "2 trámites" in r.stdout, r.stderr
    malo = tmp_path / "malo.csv"
    malo.write_text("clave,nombre,prefijo\nOK,Bien,B\nX,Mal,123\n", encoding="utf-8")
    r = turnos("catalogo", "importar", str(malo), "--centro", "leon", db=sqlite_url)
    assert r.returncode == 2 and "Trámite #2" in r.stderr and "prefijo" in r.stderr
    r = turnos("catalogo", "exportar", "--centro", "leon", "--formato", "csv", db=sqlite_url)
    assert (
        r.returncode == 0 and "LIC,Licencia,L" in r.stdout and "OK" not in r.stdout
    )  # todo o nada
    exportado = yaml.safe_load(
        turnos("catalogo", "exportar", "--centro", "leon", db=sqlite_url).stdout
    )
    por_clave = {t["clave"]: t for t in exportado["tramites"]}
    assert (
        por_clave["LIC"]["requisitos"] == "INE\nCURP"
        and por_clave["LIC"]["espera_maxima_min"] == 30
    )

    r = turnos(
        "usuarios",
        "crear",
        "ana",
        "--rol",
        "ventanilla",
        "--centro",
        "leon",
        entrada="corta\n",
        db=sqlite_url,
    )
    assert r.returncode == 2 and "al menos 10" in r.stderr
    r = turnos(
        "usuarios",
        "crear",
        "ana",
        "--rol",
        "ventanilla",
        "--centro",
        "leon",
        entrada="una-contrasena-larga\n",
        db=sqlite_url,
    )
    assert r.returncode == 0, r.stderr
    r = turnos("tokens", "crear", "--usuario", "ana", db=sqlite_url)
    token_ana = r.stdout.strip().splitlines()[-1]
    assert r.returncode == 0 and len(token_ana) >= 40 and " " not in token_ana
    r = turnos(
        "dispositivos",
        "crear",
        "--tipo",
        "kiosco",
        "--centro",
        "leon",
        "--nombre",
        "k1",
        db=sqlite_url,
    )
    token_kiosco = r.stdout.strip().splitlines()[-1]
    assert r.returncode == 0 and len(token_kiosco) >= 40

    app = crear_app(Settings(db=sqlite_url, secreto="x"))
    with TestClient(app) as c:
        # el centro abre según su horario; sin horario, no emite: 409 con mensaje claro
        r = c.post(
            "/api/v1/centros/leon/turnos",
            json={"tramite": "LIC"},
            headers={"Authorization": f"Bearer {token_kiosco}"},
        )
        assert r.status_code == 409 and r.json()["error"] == "fuera_de_horario"
        assert (
            c.get(
                "/api/v1/centros/leon/cola", headers={"Authorization": f"Bearer {token_ana}"}
            ).status_code
            == 200
        )
        r = c.post("/api/v1/centros/leon/cierre", headers={"Authorization": f"Bearer {token_ana}"})
        assert r.status_code == 403

    r = turnos("cierre", "--centro", "leon", db=sqlite_url)
    assert r.returncode == 0 and "Cierre del" in r.stdout
    r = turnos("auditar", "--centro", "leon", db=sqlite_url)
    assert r.returncode == 0 and "íntegra" in r.stdout


def test_varios_procesos_con_sqlite_se_rechaza(sqlite_url):
    r = turnos("serve", "--workers", "2", db=sqlite_url)
    assert r.returncode == 2 and "PostgreSQL" in r.stderr


def test_errores_de_cli_en_espanol(sqlite_url):
    r = turnos("auditar", "--centro", "nada", db=sqlite_url)
    assert r.returncode == 2 and "No existe el centro" in r.stderr


def test_comandos_de_las_extensiones_estan_registrados():
    from turnos.cli import parser

    comandos = set(parser()._subparsers._group_actions[0].choices)
    assert {"kiosco-agente", "impresoras", "reporte", "simular", "registro"} <= comandos

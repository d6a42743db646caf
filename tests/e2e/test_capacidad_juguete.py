"""Agregar una capacidad es «crear el paquete y su registro» (docs/ARCHITECTURE.md): la capacidad
de juguete de tests/capacidad_juguete se instala con un entry point (un `*.dist-info` temporal,
como lo deja `pip install`) y su comando CLI, su tabla (con su rama de migraciones), su ruta y su
permiso funcionan sin tocar `turnos/`. Todo corre en subprocesos: la metadata y el registro de
este proceso no cambian."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]
JUGUETE = RAIZ / "tests" / "capacidad_juguete"

APP = textwrap.dedent(
    """
    import sys
    from starlette.testclient import TestClient
    from tests.conftest import sembrar_centro
    from turnos.db.almacen import Almacen
    from turnos.db.motor import crear_motor
    from turnos.settings import Settings
    from turnos.web.app import crear_app

    url = sys.argv[1]
    motor = crear_motor(url)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    with TestClient(crear_app(Settings(db=url, secreto="x" * 32))) as cliente:
        def get(token):
            return cliente.get("/juguete/saludos", headers={"Authorization": "Bearer " + token})
        jefe, kiosco = get(centro.jefe_token), get(centro.kiosco_token)
        print(jefe.status_code, jefe.json()["saludos"], kiosco.status_code)
        # Los ganchos: cerrar un turno en una ventanilla, su vista pública, enlace y fragmento.
        k = {"Authorization": "Bearer " + centro.kiosco_token}
        v = {"Authorization": "Bearer " + centro.staff_tokens[0]}
        turno = cliente.post("/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=k)
        token = turno.json()["token"]
        for accion in ("abrir", "llamar", "iniciar", "finalizar"):
            r = cliente.post("/api/v1/centros/prueba/ventanillas/1/" + accion, headers=v)
            assert r.status_code == 200, r.text
        print(get(centro.jefe_token).json()["saludos"])
        print(cliente.get("/api/v1/turnos/" + token).json()["juguete"])
        print("Fragmento de juguete: atendido" in cliente.get("/t/" + token).text)
        admin = cliente.get("/admin/prueba/tramites", headers={"Authorization": "Bearer " + centro.jefe_token})
        print(admin.status_code, 'href="/juguete/saludos?centro=prueba"' in admin.text)
        j = {"Authorization": "Bearer " + centro.jefe_token}
        base = "/tablero/prueba/reportes?desde=2020-01-01&hasta=2020-01-31"
        print(">Saludos de juguete</h2>" in cliente.get(base + "&vista=indicadores", headers=j).text)
        csv = cliente.get(base + "&vista=indicadores&formato=csv&tabla=saludos", headers=j).text
        print(csv.strip().splitlines()[-1])
        print("Saludos registrados" in cliente.get(base + "&vista=evidencia", headers=j).text)
        abiertos = cliente.get("/datos-abiertos/prueba.json?desde=2020-01-01&hasta=2020-01-02").json()
        print({"saludos": abiertos["agregados"]["saludos"]})  # y las de otras capacidades
        from turnos.capacidades import servicio
        print(servicio("saludar")("mundo"), servicio("no_existe"))
    """
)


def _instalar(destino: Path) -> dict[str, str]:
    """Lo que `pip install` dejaría: metadatos con el entry point del grupo turnos.capacidades."""
    info = destino / "juguete-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: juguete\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[turnos.capacidades]\njuguete = juguete.capacidad:CAPACIDAD\n"
    )
    entorno = dict(os.environ)
    entorno["PYTHONPATH"] = os.pathsep.join([str(destino), str(JUGUETE), str(RAIZ)])
    return entorno


def _correr(argumentos: list[str], entorno: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *argumentos],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=RAIZ,
        env=entorno,
    )


def test_una_capacidad_nueva_se_enchufa_sin_tocar_el_nucleo(tmp_path):
    entorno = _instalar(tmp_path)
    url = f"sqlite:///{tmp_path / 'turnos.db'}"

    cli = _correr(["-m", "turnos.cli", "juguete-saludar", "--db", url, "--texto", "hola"], entorno)
    assert cli.returncode == 0, cli.stderr
    assert "Saludo guardado: hola" in cli.stdout

    app = _correr(["-c", APP, url], entorno)
    assert app.returncode == 0, app.stderr
    # El jefe tiene el permiso que agregó la capacidad; el kiosco no.
    lineas = app.stdout.split("\n")
    assert lineas[0] == "200 ['hola'] 403"
    # El cierre corrió dentro de la transacción de «finalizar»; la vista pública y la página
    # /t/{token} llevan lo de la capacidad; otra capacidad la usa por nombre.
    assert lineas[1] == "['hola', 'cerrado atendido A v1']"
    assert lineas[2] == "atendido"
    assert lineas[3] == "True"
    assert lineas[4] == "200 True"
    # Las tablas de la capacidad en los reportes, la evidencia MAS y los datos abiertos.
    assert lineas[5] == "True"
    assert lineas[6] == "1,2020-01-01,2,America/Mexico_City"
    assert lineas[7] == "True"
    assert lineas[8] == "{'saludos': [{'fecha': '2020-01-02', 'saludos': 3}]}"
    assert lineas[9] == "hola mundo None"


def test_sin_instalarla_el_nucleo_no_la_ve(tmp_path):
    """La misma prueba sin el entry point: el comando no existe (la anterior no pasa por azar)."""
    entorno = dict(os.environ)
    entorno["PYTHONPATH"] = os.pathsep.join([str(JUGUETE), str(RAIZ)])
    cli = _correr(["-m", "turnos.cli", "juguete-saludar", "--texto", "hola"], entorno)
    assert cli.returncode == 2 and "juguete-saludar" in cli.stderr

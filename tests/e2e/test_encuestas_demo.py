"""Hecho cuando (issue 11): con el demo, la URL de la tableta que se imprime al arrancar muestra
la encuesta cuando su ventanilla finaliza un turno, y la respuesta aparece en el resumen del
tablero y en /metrics. Con la CLI real (`turnos demo`) y uvicorn real."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from datetime import UTC, datetime

import httpx
from websockets.asyncio.client import connect

from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.motor import crear_motor
from turnos.demo import extender_horario
from turnos.servicios import cuentas


def test_la_tableta_del_demo_recibe_y_la_respuesta_se_ve(tmp_path):
    db = f"sqlite:///{tmp_path / 'turnos.db'}"
    cli = subprocess.run(
        [sys.executable, "-m", "turnos.cli", "demo", "--db", db],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    m = re.search(r"tableta\s+tableta-v1\s+(http://\S+/encuesta/demo/1)\?token=(\S+)", cli.stdout)
    assert m, cli.stdout
    ruta, token = m.group(1).split("8000", 1)[1], m.group(2)
    motor = crear_motor(db)
    alm = Almacen(motor)
    ahora = datetime.now(UTC)
    v1 = {"Authorization": "Bearer " + cuentas.crear_token_personal(alm, "ventanilla1", ahora)}
    jefa = {"Authorization": "Bearer " + cuentas.crear_token_personal(alm, "jefa", ahora)}
    extender_horario(alm, ahora)  # como `serve --demo`: la demo abre a cualquier hora
    motor.dispose()
    with servidor(db) as s:
        http = httpx.Client(base_url=s.url, timeout=30)
        pagina = http.get(f"{ruta}?token={token}")
        assert pagina.status_code == 200 and "Ventanilla 1" in pagina.text

        async def escenario() -> str:
            url = s.url.replace("http", "ws", 1) + f"/ws{ruta}?token={token}"
            async with connect(url) as ws:
                assert json.loads(await ws.recv()) == {"tipo": "reposo"}
                r = http.post("/api/v1/centros/demo/turnos", json={"tramite": "LIC"}, headers=jefa)
                assert r.status_code == 201, r.text
                for accion in ("abrir", "llamar", "finalizar"):
                    r = http.post(f"/api/v1/centros/demo/ventanillas/1/{accion}", headers=v1)
                    assert r.status_code == 200, r.text
                async with asyncio.timeout(30):
                    msg = json.loads(await ws.recv())
                assert msg["tipo"] == "encuesta"
                return str(msg["clave"])

        clave = asyncio.run(escenario())
        d = http.get(f"/api/v1/encuestas/{clave}").json()
        assert [r["clave"] for r in d["reactivos"]] == ["tiempo", "trato", "informacion"]
        r = http.post(
            f"/api/v1/encuestas/{clave}",
            json={"calificacion": 5, "reactivos": {"trato": 5}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 201 and r.json()["canal"] == "tableta"
        resumen = http.get("/api/v1/centros/demo/encuestas/resumen", headers=jefa).json()
        assert (resumen["respuestas"], resumen["csat_pct"]) == (1, 100.0)
        assert 'id="csat-dia"' in http.get("/tablero/demo", headers=jefa).text
        metricas = http.get("/metrics").text
        assert (
            'turnos_encuesta_respuestas_total{calificacion="5",centro="demo",tramite="LIC"} 1.0'
            in metricas
        )

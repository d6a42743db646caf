"""Un agente que manda un `resultado` con `intentos` fuera de lo que cabe en la columna (un entero
enorme, o `true`) no tumba su sesión: el trabajo se cierra igual y la conexión sigue.

Hallado al tipar kiosco/agentes.py con mypy --strict (`intentos` llegaba como Any).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import text
from websockets.sync.client import connect

from kiosco.cli import asignar
from tests.e2e.test_agente_centros import _emitir, _siguiente_trabajo
from tests.e2e.test_agente_kiosco import esperar
from tests.servidor import servidor

pytestmark = pytest.mark.lento


@contextmanager
def _agente(alm: Any, centro: Any, db_url: str) -> Iterator[tuple[Any, Any]]:
    """Un uvicorn real y la conexión del agente del kiosco (impresora USB), ya saludada."""
    asignar(alm, "kiosco-1", "escpos+usb://0416:5011", "generico_80mm", "prueba")
    with servidor(db_url) as srv:
        ws_url = srv.url.replace("http", "ws") + "/ws/agente"
        cabeceras = {"Authorization": f"Bearer {centro.kiosco_token}"}
        with connect(ws_url, additional_headers=cabeceras) as ws:
            assert json.loads(ws.recv(timeout=15))["tipo"] == "hola"
            yield srv, ws


@pytest.mark.parametrize("intentos", [10**20, True], ids=["enorme", "booleano"])
def test_resultado_con_intentos_invalidos_cierra_el_trabajo(alm, centro, db_url, intentos):
    with _agente(alm, centro, db_url) as (srv, ws):
        emitido = _emitir(srv.url, "prueba", centro.kiosco_token)
        trabajo = _siguiente_trabajo(ws)
        assert trabajo["id"] == emitido["impresion"]["trabajo"]
        resultado = {"tipo": "resultado", "id": trabajo["id"], "impreso": False}
        ws.send(json.dumps({**resultado, "intentos": intentos, "motivo": "Sin papel"}))

        def estado() -> tuple[str, int] | None:
            with alm.lectura() as conn:
                f = conn.execute(
                    text("SELECT estado, intentos FROM impresion WHERE id = :id"),
                    {"id": trabajo["id"]},
                ).one()
            return (f.estado, f.intentos) if f.estado != "pendiente" else None

        assert esperar(estado, que="el trabajo cerrado") == ("fallido", 1)
        # La sesión sigue viva: el siguiente ticket le llega por la misma conexión. (Con
        # PostgreSQL el sondeo de pendientes puede haber reenviado el primero antes de que llegara
        # su resultado: ese reenvío se salta.)
        otro = _emitir(srv.url, "prueba", centro.kiosco_token)
        siguiente = _siguiente_trabajo(ws)
        while siguiente["id"] == trabajo["id"]:
            siguiente = _siguiente_trabajo(ws)
        assert siguiente["id"] == otro["impresion"]["trabajo"]


def test_resultado_con_id_enorme_se_ignora_y_la_sesion_sigue(alm, centro, db_url):
    with _agente(alm, centro, db_url) as (srv, ws):
        ws.send(json.dumps({"tipo": "resultado", "id": 10**20, "impreso": True}))
        emitido = _emitir(srv.url, "prueba", centro.kiosco_token)
        assert _siguiente_trabajo(ws)["id"] == emitido["impresion"]["trabajo"]

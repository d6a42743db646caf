"""Un agente de kiosco solo recibe los trabajos de su centro (issue 8, punto 2).

Dos centros con un kiosco del mismo nombre (`kiosco-1`) e impresora USB (la atiende su agente).
El agente del centro B se conecta por websocket a un uvicorn real después de que el centro A
dejó un ticket pendiente: lo primero que recibe debe ser el ticket de su propio centro.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from kiosco.cli import asignar
from tests.conftest import sembrar_centro
from tests.servidor import servidor

pytestmark = pytest.mark.lento


def _emitir(url: str, centro: str, token: str) -> dict[str, Any]:
    r = httpx.post(
        f"{url}/api/v1/kiosco/{centro}/turnos",
        json={"tramite": "A"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _siguiente_trabajo(ws: Any) -> dict[str, Any]:
    while True:
        msg = json.loads(ws.recv(timeout=15))
        if msg["tipo"] == "trabajo":
            return dict(msg)


def test_agente_de_otro_centro_no_recibe_los_tickets(alm, centro, db_url):
    otro = sembrar_centro(alm, "otro", ventanillas=1)  # su kiosco también se llama kiosco-1
    asignar(alm, "kiosco-1", "escpos+usb://0416:5011", "generico_80mm", "prueba")
    asignar(alm, "kiosco-1", "escpos+usb://0416:5011", "generico_80mm", "otro")
    with servidor(db_url) as srv:
        ajeno = _emitir(srv.url, "prueba", centro.kiosco_token)
        assert ajeno["impresion"]["estado"] == "pendiente"  # ningún agente de «prueba» conectado
        ws_url = srv.url.replace("http", "ws") + "/ws/agente"
        with connect(
            ws_url, additional_headers={"Authorization": f"Bearer {otro.kiosco_token}"}
        ) as ws:
            hola = json.loads(ws.recv(timeout=15))
            assert hola["tipo"] == "hola"
            propio = _emitir(srv.url, "otro", otro.kiosco_token)
            # Los pendientes salen en orden de creación: el de «prueba» saldría primero.
            recibido = _siguiente_trabajo(ws)
            assert recibido["id"] == propio["impresion"]["trabajo"] != ajeno["impresion"]["trabajo"]

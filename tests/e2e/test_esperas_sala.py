"""Espera estimada por trámite en la sala: por push en el websocket de la pantalla
(`?esperas=1`), del estimador del núcleo, con caché por evento. uvicorn real, SQLite y PG."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import websockets

from pantalla.esperas import EsperasSala, texto_espera
from tests.conftest import AHORA, sembrar_centro
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.servicios import espera_sala


async def _siguiente(ws: Any, tipo: str, timeout: float = 10) -> dict[str, Any]:
    while True:
        m = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if m["tipo"] == tipo:
            return dict(m)


def test_la_pantalla_recibe_las_esperas_con_los_eventos_y_otras_paginas_no(db_url: str) -> None:
    motor = crear_motor(db_url)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    with servidor(db_url) as s:
        ws_url = s.url.replace("http", "ws") + f"/ws/pantalla/prueba?token={centro.pantalla_token}"
        k = httpx.Client(base_url=s.url, headers={"Authorization": f"Bearer {centro.kiosco_token}"})
        v = httpx.Client(
            base_url=s.url, headers={"Authorization": f"Bearer {centro.staff_tokens[0]}"}
        )
        assert v.post("/api/v1/centros/prueba/ventanillas/1/abrir").status_code == 200

        async def escenario() -> None:
            async with websockets.connect(ws_url + "&esperas=1") as ws:
                await _siguiente(ws, "snapshot")
                primero = await _siguiente(ws, "esperas")
                assert primero["esperas"] == {
                    "A": "Sin estimación",
                    "B": "Sin estimación",
                    "C": "Sin estimación",
                }
                assert k.post("/api/v1/centros/prueba/turnos", json={"tramite": "A"}).is_success
                await _siguiente(ws, "turno_emitido")
                otro = await _siguiente(ws, "esperas")
                assert otro["esperas"]["A"].startswith("Espera: ")
                assert otro["esperas"]["B"] == "Sin estimación"
            async with websockets.connect(ws_url) as ws:  # sin ?esperas=1 (p. ej. /ventanilla)
                await _siguiente(ws, "snapshot")
                assert k.post("/api/v1/centros/prueba/turnos", json={"tramite": "B"}).is_success
                await _siguiente(ws, "turno_emitido")
                assert k.post("/api/v1/centros/prueba/turnos", json={"tramite": "B"}).is_success
                # Lo que llega hasta el siguiente evento no trae esperas.
                while (m := json.loads(await asyncio.wait_for(ws.recv(), 10)))["tipo"] != (
                    "turno_emitido"
                ):
                    assert m["tipo"] != "esperas"

        asyncio.run(escenario())


def test_una_estimacion_por_evento_para_todas_las_pantallas(alm: Almacen) -> None:
    sembrar_centro(alm)
    cache = EsperasSala(alm, lambda: AHORA)

    async def escenario() -> None:
        avisos: list[int] = []
        # 20 pantallas piden a la vez: nadie espera, un solo cálculo y un aviso a cada una.
        pedidos = [cache.mensaje("prueba", 5, lambda: avisos.append(1)) for _ in range(20)]
        assert pedidos == [None] * 20
        await cache.terminar("prueba")
        assert cache.calculos == 1 and len(avisos) == 20
        texto = cache.mensaje("prueba", 5, lambda: avisos.append(2))
        assert texto is not None and json.loads(texto)["tipo"] == "esperas"
        assert cache.mensaje("prueba", 4, lambda: avisos.append(3)) == texto  # uno viejo: sirve
        assert cache.calculos == 1 and len(avisos) == 20
        # Una ráfaga de eventos se junta en un cálculo; mientras, se sirve lo anterior.
        for seq in (6, 7, 8):
            assert cache.mensaje("prueba", seq, lambda: avisos.append(4)) == texto
        await cache.terminar("prueba")
        assert cache.calculos == 2 and avisos.count(4) == 3

    asyncio.run(escenario())


def test_rango_en_minutos_de_la_sala() -> None:
    assert texto_espera(None) == "Sin estimación"
    assert texto_espera({"min_s": 130, "max_s": 610}) == "Espera: 0 a 15 min"
    assert texto_espera({"min_s": 600, "max_s": 600}) == "Espera: 10 a 15 min"


def test_sin_gente_o_sin_ventanilla_abierta_no_hay_estimacion(alm: Almacen) -> None:
    sembrar_centro(alm)
    assert espera_sala.leer(alm, "prueba", AHORA) == {"A": None, "B": None, "C": None}

"""El silencio se ve: una pantalla informa por su websocket si tiene voz y audio, y el tablero
(otro websocket, uvicorn real) lo muestra por pantalla con una alerta si quedó muda."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from websockets.asyncio.client import connect

from tests.e2e import test_tablero_ws as tablero

# El mismo arranque real (uvicorn + hub, SQLite) que las pruebas del tablero.
entorno, alm = tablero.entorno, tablero.alm

MUDA = {"tipo": "estado_pantalla", "voz": False, "audio": True, "voz_nombre": None}
HABLA = {
    "tipo": "estado_pantalla",
    "voz": True,
    "audio": True,
    "voz_nombre": "Spanish (Latin America) espeak-ng",
    "idioma": "es-419",
}


async def _leer(ws: Any) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


async def _tablero(url: str, esperado: str, limite_s: float = 30) -> dict[str, Any]:
    """Estado del tablero al conectar, reintentando hasta ver la conexión ``esperado``."""
    fin = time.monotonic() + limite_s
    while True:
        async with connect(url) as ws:
            estado = await _leer(ws)
        pantallas = estado["pantallas"]
        if pantallas and pantallas[0]["conexion"] == esperado:
            return estado
        assert time.monotonic() < fin, pantallas
        await asyncio.sleep(0.1)


def test_tablero_muestra_voz_y_audio_de_cada_pantalla(entorno, centro) -> None:
    srv, _app, _reloj = entorno
    url_pantalla = f"{srv.url_ws}/ws/pantalla/prueba?token={centro.pantalla_token}"
    url_tablero = f"{srv.url_ws}/ws/tablero/prueba?token={centro.jefe_token}"

    async def caso() -> None:
        e = await _tablero(url_tablero, "Sin informe")
        assert e["pantallas"] == [
            {
                "nombre": "pantalla-1",
                "conexion": "Sin informe",
                "voz": "—",
                "audio": "—",
                "detalle": "Nunca se ha conectado",
                "nivel": "alerta",
            }
        ]
        async with connect(url_pantalla) as ws:
            assert (await _leer(ws))["tipo"] == "snapshot"
            await ws.send(json.dumps(MUDA))
            e = await _tablero(url_tablero, "Conectada")
            p = e["pantallas"][0]
            assert (p["voz"], p["audio"], p["nivel"]) == ("no", "sí", "critico")
            assert {"nivel": "critico", "texto": "Pantalla pantalla-1 sin voz en español."} in e[
                "alertas"
            ]
            await ws.send(json.dumps(HABLA))
            fin = time.monotonic() + 30
            while (p := (await _tablero(url_tablero, "Conectada"))["pantallas"][0])["voz"] != "sí":
                assert time.monotonic() < fin, p
                await asyncio.sleep(0.1)
            assert p == {
                "nombre": "pantalla-1",
                "conexion": "Conectada",
                "voz": "sí",
                "audio": "sí",
                "detalle": "Spanish (Latin America) espeak-ng (es-419)",
                "nivel": "ok",
            }
        # Al irse la pantalla, el tablero lo dice (y no se queda con el último «sí»).
        e = await _tablero(url_tablero, "Sin conexión")
        assert {"nivel": "alerta", "texto": "Pantalla pantalla-1 sin conexión."} in e["alertas"]

    asyncio.run(caso())


def test_mensajes_raros_de_una_pantalla_no_la_cortan(entorno, centro) -> None:
    srv, _app, _reloj = entorno
    url_pantalla = f"{srv.url_ws}/ws/pantalla/prueba?token={centro.pantalla_token}"
    url_tablero = f"{srv.url_ws}/ws/tablero/prueba?token={centro.jefe_token}"

    async def caso() -> None:
        async with connect(url_pantalla) as ws:
            await _leer(ws)
            for raro in ("no es json", "[1, 2]", json.dumps({"tipo": "otro"}), "x" * 5000):
                await ws.send(raro)
            await ws.send(json.dumps({**MUDA, "voz": "sí", "voz_nombre": 7}))  # tipos malos
            e = await _tablero(url_tablero, "Conectada")
            p = e["pantallas"][0]
            assert (p["voz"], p["audio"], p["detalle"]) == ("no", "sí", "")
            await ws.ping()  # la conexión sigue viva

    asyncio.run(caso())

"""Revocar una identidad cierra sus websockets abiertos (uvicorn real y cliente `websockets`).

Sin esto, una pantalla o un tablero abierto con una sesión o un token revocados seguían
recibiendo eventos."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import AHORA
from tests.servidor import servidor
from turnos.servicios import emision

LIMITE_S = 40.0  # tope para no colgar la prueba si nunca se cierra (no es una medida de tiempo)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _entrar(url: str, usuario: str) -> httpx.Client:
    c = httpx.Client(base_url=url)
    pagina = c.get("/login")
    r = c.post(
        "/login",
        data={"csrf": _csrf(pagina.text), "usuario": usuario, "password": "contrasena-segura"},
    )
    assert r.status_code in (200, 303), r.text
    return c


async def _hasta_cierre(ws, al_abrir) -> int | None:
    """Lee hasta que el servidor cierre; devuelve el código de cierre (o None si no cerró)."""
    await ws.recv()  # el primer estado: la conexión ya está registrada
    al_abrir()
    try:
        async with asyncio.timeout(LIMITE_S):
            while True:
                await ws.recv()
    except ConnectionClosed as e:
        return e.rcvd.code if e.rcvd else None
    except TimeoutError:
        return None


def _ws(url: str, ruta: str, cookie: str | None = None):
    cabeceras = {"Cookie": f"turnos_sesion={cookie}"} if cookie else {}
    return connect(url.replace("http", "ws", 1) + ruta, additional_headers=cabeceras)


def test_cerrar_sesion_cierra_el_websocket_de_esa_sesion(alm, centro, db_url):
    with servidor(db_url) as s:
        jefe = _entrar(s.url, "jefe-prueba")
        cookie = jefe.cookies["turnos_sesion"]

        def salir() -> None:
            pagina = jefe.get("/ventanilla")
            jefe.post("/logout", data={"csrf": _csrf(pagina.text)})

        async def escenario() -> int | None:
            async with _ws(s.url, "/ws/pantalla/prueba", cookie) as ws:
                return await _hasta_cierre(
                    ws, lambda: asyncio.get_running_loop().run_in_executor(None, salir)
                )

        assert asyncio.run(escenario()) == 4401


def test_revocar_dispositivo_cierra_su_pantalla(alm, centro, db_url):
    with servidor(db_url) as s:
        jefe = _entrar(s.url, "jefe-prueba")

        def revocar() -> None:
            pagina = jefe.get("/admin/prueba/dispositivos")
            did = re.findall(r'name="revocar" value="(\d+)"', pagina.text)
            for d in did:
                jefe.post(
                    "/admin/prueba/dispositivos", data={"csrf": _csrf(pagina.text), "revocar": d}
                )

        async def escenario() -> int | None:
            ruta = f"/ws/pantalla/prueba?token={centro.pantalla_token}"
            async with _ws(s.url, ruta) as ws:
                return await _hasta_cierre(
                    ws, lambda: asyncio.get_running_loop().run_in_executor(None, revocar)
                )

        assert asyncio.run(escenario()) == 4401


def test_contrasena_por_cli_cierra_el_tablero_en_otro_proceso(alm, centro, db_url):
    """La CLI es otro proceso: el servidor se entera en su revisión periódica (ttl)."""
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    with servidor(db_url) as s:
        jefe = _entrar(s.url, "jefe-prueba")
        cookie = jefe.cookies["turnos_sesion"]

        def cambiar() -> None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "turnos.cli",
                    "usuarios",
                    "contrasena",
                    "jefe-prueba",
                    "--db",
                    db_url,
                ],
                input="una-nueva-contrasena\n",
                text=True,
                check=True,
                capture_output=True,
            )

        async def escenario() -> int | None:
            async with _ws(s.url, "/ws/tablero/prueba", cookie) as ws:
                return await _hasta_cierre(
                    ws, lambda: asyncio.get_running_loop().run_in_executor(None, cambiar)
                )

        assert asyncio.run(escenario()) == 4401

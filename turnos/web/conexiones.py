"""Websockets abiertos por credencial (sesión o token): revocar una identidad cierra los suyos.

Cada manejador de websocket, ya aceptada la conexión, llama `registrar(websocket)` (una línea).
El registro vuelve a resolver cada credencial contra la BD:
- de inmediato cuando este proceso revoca algo (`revocado`);
- y cada `ttl_s` de `CacheActores` (10 s), para enterarse de lo que revocó otro proceso (otro
  worker o la CLI). Así un socket revocado se cierra a más tardar en ese plazo.
Cierra con el código 4401 (propio: el navegador no lee cabeceras) y el cliente no debe
reconectar con la misma credencial.

Guarda referencias débiles: un socket que ya terminó desaparece solo, sin darse de baja.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketState

from turnos.tiempo import a_ms
from turnos.web.auth import Credencial, resolver

log = logging.getLogger(__name__)

CIERRE_REVOCADO = 4401


class Conexiones:
    def __init__(self, app: Any) -> None:
        self._app = app
        self._por_credencial: dict[Credencial, weakref.WeakSet[WebSocket]] = {}
        self._tarea: asyncio.Task[None] | None = None
        self._candado = asyncio.Lock()

    def registrar(self, websocket: WebSocket) -> None:
        clave = websocket.scope.get("turnos.credencial")
        if clave is None:  # sin credencial no hay nada que revocar
            return
        self._por_credencial.setdefault(clave, weakref.WeakSet()).add(websocket)
        if self._tarea is None or self._tarea.done():
            self._tarea = asyncio.create_task(self._periodica())

    async def _periodica(self) -> None:
        while self._por_credencial:
            await asyncio.sleep(self._app.state.actores.ttl_s)
            try:
                await self.revisar()
            except Exception:  # noqa: BLE001 - la BD caída no debe matar la revisión
                log.warning("no se pudieron revisar las credenciales de los websockets")

    async def revisar(self) -> int:
        """Cierra los sockets cuya credencial ya no vale; devuelve cuántos cerró."""
        async with self._candado:
            cerrados = 0
            ahora_ms = a_ms(self._app.state.reloj())
            for clave in list(self._por_credencial):
                sockets = [
                    ws
                    for ws in self._por_credencial[clave]
                    if ws.application_state == WebSocketState.CONNECTED
                ]
                if not sockets:
                    del self._por_credencial[clave]
                    continue
                vigente = await run_in_threadpool(resolver, self._app.state.alm, clave, ahora_ms)
                if vigente is not None:
                    continue
                del self._por_credencial[clave]
                for ws in sockets:
                    with contextlib.suppress(Exception):  # ya se había ido: nada que cerrar
                        await asyncio.wait_for(ws.close(CIERRE_REVOCADO), 2.0)
                    cerrados += 1
            return cerrados


def de(app: Any) -> Conexiones:
    """El registro de la app (se crea al primer uso)."""
    registro = getattr(app.state, "conexiones", None)
    if registro is None:
        registro = app.state.conexiones = Conexiones(app)
    return registro


def registrar(websocket: WebSocket) -> None:
    de(websocket.app).registrar(websocket)


async def revocado(app: Any) -> None:
    """Tras revocar algo en este proceso: vale ya para peticiones y websockets abiertos."""
    app.state.actores.olvidar()
    await de(app).revisar()

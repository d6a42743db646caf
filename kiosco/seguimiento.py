"""El ticket móvil: `/t/{token}` (página), `/api/v1/seguimiento/{token}` (JSON) y
`/ws/t/{token}` (en vivo). Sin datos personales: el token del QR es la única llave.

En vivo: se suscribe al hub del centro con un filtro por el turno (id raíz) y por su trámite (la
gente de delante cambia con cada llamado de ese trámite) y por cambios de ventanillas (cambian
la estimación). Ante cada evento se vuelve a leer el estado y se manda solo si cambió. No usa
`pantalla.ws.servir`: aquí no hay snapshot del centro que repartir, sino una vista por persona.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.templating import Jinja2Templates
from starlette.websockets import WebSocket, WebSocketDisconnect

from kiosco.estimacion import rango_publico
from kiosco.vista import vista_seguimiento
from turnos.errores import NoEncontrado
from turnos.servicios import emision

LATIDO_S = 25.0
AGRUPAR_S = 0.2  # junta ráfagas de eventos (p. ej. cierre del día) en una sola lectura
TIEMPO_ENVIO_S = 5.0
CIERRE_TERMINADO = 1000


def leer(alm: Any, token: str, ahora: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(estado público, vista preparada) del turno: el mismo estimador que la API."""
    publico = emision.estado_publico(alm, token, ahora)
    return publico, vista_seguimiento(publico, rango_publico(publico.get("espera_estimada")))


async def pagina(request: Request) -> Response:
    token = request.path_params["token"]
    publico, vista = await run_in_threadpool(
        leer, request.app.state.alm, token, request.app.state.reloj()
    )
    from kiosco.web import CSP

    plantillas: Jinja2Templates = request.app.state.plantillas
    return plantillas.TemplateResponse(
        request,
        "ticket_movil.html",
        {"vista": vista, "token": token, "publico": publico},
        headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"},
    )


async def api_vista(request: Request) -> Response:
    _, vista = await run_in_threadpool(
        leer, request.app.state.alm, request.path_params["token"], request.app.state.reloj()
    )
    return JSONResponse(vista)


class _Interes:
    """Qué eventos públicos le importan a este turno (se actualiza si lo transfieren)."""

    def __init__(self, publico: dict[str, Any]) -> None:
        self.turno_id = publico["id"]
        self.tramite = publico["tramite"]

    def __call__(self, evento: dict[str, Any]) -> bool:
        turno = evento.get("turno")
        if turno is not None and (
            turno.get("id") == self.turno_id or turno.get("tramite") == self.tramite
        ):
            return True
        if self.tramite in (evento.get("cola") or {}):
            return True
        return str(evento.get("tipo", "")).startswith(("ventanilla", "cierre"))


async def _enviar(websocket: WebSocket, vista: dict[str, Any]) -> None:
    async with asyncio.timeout(TIEMPO_ENVIO_S):
        await websocket.send_text(
            json.dumps({"tipo": "estado", "vista": vista}, ensure_ascii=False)
        )


async def _hasta_desconexion(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass


async def ws_seguimiento(websocket: WebSocket) -> None:
    alm = websocket.app.state.alm
    token = websocket.path_params["token"]
    try:
        publico, vista = await run_in_threadpool(leer, alm, token, websocket.app.state.reloj())
    except NoEncontrado:
        await websocket.close(code=4404)
        return
    await websocket.accept()
    hub = getattr(websocket.app.state, "hub", None)
    interes = _Interes(publico)
    sus = hub.suscribir(publico["centro"], filtro=interes, maximo=64) if hub is not None else None
    lector = asyncio.create_task(_hasta_desconexion(websocket))
    try:
        await _enviar(websocket, vista)
        while not vista["terminado"] and not lector.done():
            evento = None
            if sus is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(LATIDO_S):
                        evento = await sus.recibir()
                if sus.cerrada:  # desbordada: el cliente se reconecta y lee de nuevo
                    break
            else:
                await asyncio.wait({lector}, timeout=LATIDO_S)
            if evento is None:
                async with asyncio.timeout(TIEMPO_ENVIO_S):
                    await websocket.send_text('{"tipo":"latido"}')
                continue
            await asyncio.sleep(AGRUPAR_S)
            while sus is not None and sus.pendientes():
                await sus.recibir()
            publico, nueva = await run_in_threadpool(leer, alm, token, websocket.app.state.reloj())
            interes.tramite = publico["tramite"]
            if nueva != vista:
                vista = nueva
                await _enviar(websocket, vista)
        if vista["terminado"]:
            await websocket.close(CIERRE_TERMINADO)
    except (WebSocketDisconnect, RuntimeError, OSError, TimeoutError, NoEncontrado):
        pass
    finally:
        lector.cancel()
        if sus is not None:
            sus.cerrar()


RUTAS: list[Any] = [
    Route("/t/{token}", pagina, methods=["GET"]),
    Route("/api/v1/seguimiento/{token}", api_vista, methods=["GET"]),
    WebSocketRoute("/ws/t/{token}", ws_seguimiento),
]

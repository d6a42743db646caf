"""Rutas de la cara de sala: /pantalla/{centro} y el websocket /ws/pantalla/{centro}.

El websocket sirve los eventos públicos del hub del núcleo (snapshot, replay, en vivo); lo usan
las pantallas de sala y también la página /ventanilla del personal.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from pantalla import ws as pantalla_ws
from pantalla.web import OpcionesPantalla, respuesta_pantalla
from turnos.dominio.horario import texto_horario
from turnos.errores import Prohibido, TurnosError
from turnos.kit import actor, nucleo
from turnos.permisos import Permiso
from turnos.servicios import consultas

VER_PANTALLA = "ver_pantalla"  # permiso que agrega esta capacidad (pantalla/capacidad.py)


async def websocket_pantalla(websocket: WebSocket) -> None:
    """/ws/pantalla/{centro}: pantallas de sala y páginas del personal (eventos públicos)."""
    ctx = nucleo(websocket)
    slug = websocket.path_params["centro"]
    quien = await actor(websocket, permitir_query=True)

    def permitido() -> bool:
        with ctx.alm.lectura() as conn:
            try:
                return quien is not None and quien.puede(
                    Permiso.VER_COLA, consultas.centro(conn, slug).id
                )
            except TurnosError:
                return False

    if not await run_in_threadpool(permitido):
        await websocket.close(code=4403)  # el navegador no puede leer cabeceras: código propio
        return
    await websocket.accept()
    filtro, desde = pantalla_ws.parametros(websocket)
    await pantalla_ws.servir(
        websocket, ctx.hub, slug, ctx.snapshot, ctx.replay, filtro=filtro, desde=desde
    )


async def pagina_pantalla(request: Request) -> Response:
    """/pantalla/{centro}?token=…: el token de dispositivo va en la URL una vez (Chromium en modo
    kiosco no puede enviar cabeceras) y la página lo usa para su websocket."""
    slug = request.path_params["centro"]
    quien = await actor(request, permitir_query=True)
    if quien is None:
        return RedirectResponse(f"/login?siguiente=/pantalla/{slug}", status_code=303)

    def centro() -> dict[str, Any]:
        with nucleo(request).alm.lectura() as conn:
            c = consultas.centro(conn, slug)
            if not quien.puede(VER_PANTALLA, c.id):
                raise Prohibido(
                    "Este dispositivo o cuenta no puede mostrar la pantalla de este centro."
                )
            return {
                "slug": c.slug,
                "nombre": c.nombre,
                "horario_texto": texto_horario(c.horario),
                "mensajes": c.mensajes,
                "zona": c.zona,
            }

    datos = await run_in_threadpool(centro)
    return respuesta_pantalla(
        datos,
        request.query_params.get("token", ""),
        tramites=request.query_params.get("tramites"),
        opciones=OpcionesPantalla(zona_horaria=datos["zona"]),
    )


def rutas() -> list[BaseRoute]:
    return [
        Route("/pantalla/{centro}", pagina_pantalla, methods=["GET"]),
        WebSocketRoute("/ws/pantalla/{centro}", websocket_pantalla),
    ]

"""Rutas de la cara de sala: /pantalla/{centro} y el websocket /ws/pantalla/{centro}.

El websocket sirve los eventos públicos del hub del núcleo (snapshot, replay, en vivo); lo usan
las pantallas de sala y también la página /ventanilla del personal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from pantalla import esperas
from pantalla import ws as pantalla_ws
from pantalla.web import OpcionesPantalla, leer_ultimos, respuesta_pantalla
from turnos.dominio.horario import texto_horario
from turnos.errores import Prohibido, TurnosError
from turnos.kit import actor, nucleo, registrar_conexion
from turnos.permisos import Actor, Permiso, TipoDispositivo
from turnos.servicios import consultas, voz
from turnos.tiempo import a_ms

VER_PANTALLA = "ver_pantalla"  # permiso que agrega esta capacidad (pantalla/capacidad.py)


class InformesVoz:
    """Guarda lo que una pantalla (dispositivo) dice de su voz y audio, para el tablero.

    Se escribe cuando cambia o, si no cambia, a lo más cada ``voz.REGISTRO_S``.
    """

    def __init__(self, ctx: Any, quien: Actor) -> None:
        self.ctx, self.dispositivo_id = ctx, quien.id
        self.ultimo: dict[str, Any] | None = None
        self.guardado_ms = 0

    async def recibir(self, mensaje: dict[str, Any]) -> None:
        datos = voz.informe(mensaje)
        if datos is None:
            return
        ahora_ms = a_ms(self.ctx.reloj())
        if datos == self.ultimo and ahora_ms - self.guardado_ms < voz.REGISTRO_S * 1000:
            return
        self.ultimo, self.guardado_ms = datos, ahora_ms
        await self._guardar(datos, ahora_ms, conectada=True)

    async def desconectada(self) -> None:
        if self.ultimo is not None:
            await self._guardar(self.ultimo, a_ms(self.ctx.reloj()), conectada=False)

    async def _guardar(self, datos: dict[str, Any], ahora_ms: int, conectada: bool) -> None:
        await run_in_threadpool(
            voz.registrar_informe, self.ctx.alm, self.dispositivo_id, datos, ahora_ms, conectada
        )


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
    registrar_conexion(websocket)  # revocar la sesión o el token la cierra
    filtro, desde = pantalla_ws.parametros(websocket)
    informes = InformesVoz(ctx, quien) if quien and quien.rol == TipoDispositivo.PANTALLA else None
    # La TV pide la espera estimada por trámite (?esperas=1); otras páginas no la reciben.
    extra = None
    if websocket.query_params.get("esperas") == "1":
        cache = esperas.de_app(websocket.app, ctx.alm, ctx.reloj)

        def extra(seq: int, despertar: Callable[[], None]) -> str | None:
            return cache.mensaje(slug, seq, despertar)

    await pantalla_ws.servir(
        websocket,
        ctx.hub,
        slug,
        ctx.snapshot,
        ctx.replay,
        filtro=filtro,
        desde=desde,
        al_mensaje=informes.recibir if informes else None,
        extra=extra,
    )
    if informes:
        await informes.desconectada()


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
                "voz": voz.leer_config(conn, c.id),
            }

    ultimos = leer_ultimos(request.query_params.get("ultimos"))
    datos = await run_in_threadpool(centro)
    config: voz.ConfigVoz = datos["voz"]
    return respuesta_pantalla(
        datos,
        request.query_params.get("token", ""),
        tramites=request.query_params.get("tramites"),
        opciones=OpcionesPantalla(
            zona_horaria=datos["zona"],
            voz_nombre=config.nombre,
            velocidad_voz=config.velocidad,
            volumen=config.volumen,
            idiomas_voz=",".join(voz.IDIOMAS),
            maximo_llamados=ultimos,
        ),
    )


def rutas() -> list[BaseRoute]:
    return [
        Route("/pantalla/{centro}", pagina_pantalla, methods=["GET"]),
        WebSocketRoute("/ws/pantalla/{centro}", websocket_pantalla),
    ]

"""La tableta de una ventanilla: página /encuesta/{centro}/{ventanilla} y su websocket
/ws/encuesta/{centro}/{ventanilla} (token de dispositivo «tableta»).

Sin sondeo: el websocket se suscribe al hub del centro con un filtro por esa ventanilla. Un
`turno_finalizado` de la ventanilla o una `encuesta_respondida` (p. ej. desde el teléfono) hacen
releer la encuesta pendiente en la BD, que es la fuente de verdad: al conectar (o reconectar) se
manda igual (snapshot). Así un reinicio del servidor no pierde nada y una encuesta nueva
reemplaza a la no respondida. El personal no puede volver a disparar la encuesta: solo el cierre
de un turno atendido la crea, una por turno.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from encuestas import descripcion, servicio
from encuestas.capacidad import USAR_TABLETA  # permiso que agrega la capacidad
from turnos.errores import NoEncontrado, Prohibido, TurnosError
from turnos.kit import actor, leer_hasta_cerrar, nucleo, registrar_conexion, render
from turnos.permisos import Actor
from turnos.servicios import consultas

LATIDO_S = 20.0
TIEMPO_ENVIO_S = 5.0
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_DISPARAN = ("turno_finalizado", "encuesta_respondida")


def _numero(texto: str) -> int:
    if not texto.isdigit() or len(texto) > 6:
        raise NoEncontrado("No existe esa ventanilla.", "ventanilla_no_encontrada")
    return int(texto)


def _autorizar(alm: Any, quien: Actor | None, slug: str, numero: int) -> dict[str, Any]:
    """El centro y su encuesta, si quien pide puede usar la tableta de esa ventanilla."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        if quien is None or not quien.puede(USAR_TABLETA, c.id):
            raise Prohibido("Este dispositivo o cuenta no puede usar la tableta de este centro.")
        consultas.ventanilla(conn, c.id, numero)
        return {"slug": c.slug, "nombre": c.nombre, **descripcion.describir(conn, c.id)}


async def pagina(request: Request) -> Response:
    """/encuesta/{centro}/{ventanilla}?token=…: Chromium en modo kiosco no manda cabeceras; el
    token va en la URL una vez y la página lo usa para su websocket (como la pantalla)."""
    slug = request.path_params["centro"]
    quien = await actor(request, permitir_query=True)
    if quien is None:
        ruta = f"/encuesta/{slug}/{request.path_params['ventanilla']}"
        return RedirectResponse(f"/login?siguiente={ruta}", status_code=303)
    numero = _numero(request.path_params["ventanilla"])
    datos = await run_in_threadpool(_autorizar, nucleo(request).alm, quien, slug, numero)
    respuesta = render(
        request,
        "encuesta_tableta.html",
        {
            "centro": datos,
            "numero": numero,
            "token": request.query_params.get("token", ""),
            "encuesta_json": json.dumps(datos, ensure_ascii=False),
        },
    )
    respuesta.headers.update(
        {
            "Content-Security-Policy": CSP,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        }
    )
    return respuesta


def _interesa(numero: int) -> Any:
    def filtro(evento: dict[str, Any]) -> bool:
        return (
            evento.get("tipo") in _DISPARAN
            and (evento.get("ventanilla") or {}).get("numero") == numero
        )

    return filtro


async def _enviar(websocket: WebSocket, mensaje: dict[str, Any]) -> None:
    async with asyncio.timeout(TIEMPO_ENVIO_S):
        await websocket.send_text(json.dumps(mensaje, ensure_ascii=False))


async def ws_tableta(websocket: WebSocket) -> None:
    ctx = nucleo(websocket)
    slug = websocket.path_params["centro"]
    quien = await actor(websocket, permitir_query=True)
    try:
        numero = _numero(websocket.path_params["ventanilla"])
        await run_in_threadpool(_autorizar, ctx.alm, quien, slug, numero)
    except TurnosError:
        await websocket.close(code=4403)
        return
    await websocket.accept()
    registrar_conexion(websocket)  # revocar el token de la tableta cierra el websocket
    # Suscribirse ANTES de leer el estado: nada confirmado entre ambos pasos se pierde.
    sus = ctx.hub.suscribir(slug, filtro=_interesa(numero), maximo=32)
    lector = asyncio.create_task(leer_hasta_cerrar(websocket, sus))
    enviada: str | None = ""  # "" = aún no se manda nada; None = reposo
    try:
        while True:
            actual = await run_in_threadpool(servicio.pendiente, ctx.alm, slug, numero, ctx.ahora())
            clave = actual["clave"] if actual else None
            if clave != enviada:
                mensaje = {"tipo": "encuesta", **actual} if actual else {"tipo": "reposo"}
                await _enviar(websocket, mensaje)
                enviada = clave
            evento = None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(LATIDO_S):
                    evento = await sus.recibir()
            if sus.cerrada:
                break
            if evento is None:
                await _enviar(websocket, {"tipo": "latido"})
    except (TimeoutError, OSError, RuntimeError, WebSocketDisconnect):
        pass  # cliente lento o ido: se reconecta y recibe el estado de nuevo
    finally:
        lector.cancel()
        sus.cerrar()


RUTAS = [
    Route("/encuesta/{centro}/{ventanilla}", pagina),
    WebSocketRoute("/ws/encuesta/{centro}/{ventanilla}", ws_tableta),
]

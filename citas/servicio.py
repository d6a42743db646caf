"""Trabajador en segundo plano de los correos de citas (ciclo de vida de la capacidad).

Con `TURNOS_SMTP_URL` manda la bandeja de salida: al despertar (una reserva acaba de escribir
un correo) o cada `INTERVALO_S` (recordatorios que ya tocan, reintentos). Sin SMTP no arranca:
los mensajes quedan guardados y se ven en /admin/correos-citas.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool

from citas import hoy
from citas.correo import Smtp, enviar_pendientes, leer_url
from turnos.errores import TurnosError
from turnos.kit import nucleo

log = logging.getLogger(__name__)
INTERVALO_S = 30.0


class Cartero:
    def __init__(self, smtp: Smtp) -> None:
        self.smtp = smtp
        self.timbre = asyncio.Event()
        self.tarea: asyncio.Task[None] | None = None

    async def ciclo(self, app: Starlette) -> None:
        ctx = nucleo(app)
        while True:
            try:
                await run_in_threadpool(enviar_pendientes, ctx.alm, ctx.ahora(), self.smtp)
            except Exception:  # noqa: BLE001 - el trabajador no muere; lo intenta luego
                log.exception("falló una vuelta de la bandeja de salida de citas")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.timbre.wait(), INTERVALO_S)
            self.timbre.clear()


def _agenda_del_dia(app: Starlette) -> Callable[..., dict[str, Any] | None]:
    """Global de Jinja para los fragmentos de /ventanilla y /tablero (lectura pequeña)."""
    ctx = nucleo(app)

    def agenda(centro_slug: str, con_nombres: bool = False) -> dict[str, Any] | None:
        try:
            datos = hoy.del_dia(ctx.alm, centro_slug, ctx.ahora())
        except TurnosError:
            return None
        return datos if con_nombres else hoy.sin_nombres(datos)

    return agenda


async def iniciar(app: Starlette) -> None:
    nucleo(app).plantillas.env.globals["citas_hoy"] = _agenda_del_dia(app)
    url = nucleo(app).settings.smtp_url
    if not url:
        log.info("citas: sin TURNOS_SMTP_URL; los correos quedan en /admin/correos-citas")
        return
    cartero = Cartero(leer_url(url))
    cartero.tarea = asyncio.create_task(cartero.ciclo(app))
    app.state.citas_cartero = cartero


async def detener(app: Starlette) -> None:
    cartero: Cartero | None = getattr(app.state, "citas_cartero", None)
    if cartero is not None and cartero.tarea is not None:
        cartero.tarea.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await cartero.tarea


def despertar(app: Starlette) -> None:
    """Tras escribir un correo en la bandeja: que salga ya, sin esperar la vuelta."""
    cartero: Cartero | None = getattr(app.state, "citas_cartero", None)
    if cartero is not None:
        cartero.timbre.set()

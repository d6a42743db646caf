"""Trabajador de la bandeja de salida del buzón y ganchos del ciclo de vida de la app.

Con `TURNOS_SMTP_URL` manda los avisos a las unidades al despertar (una canalización acaba de
escribir uno) o cada `INTERVALO_S` (reintentos, y el recordatorio de los casos vencidos). Sin SMTP
los avisos quedan guardados (`turnos buzon-recordatorios` los encola desde cron).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool

from buzon.correo import enviar_pendientes, leer_url, recordar_vencidos
from turnos.kit import nucleo
from turnos.servicios.smtp import Smtp

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
                await run_in_threadpool(recordar_vencidos, ctx.alm, ctx.ahora())
                await run_in_threadpool(enviar_pendientes, ctx.alm, ctx.ahora(), self.smtp)
            except Exception:  # noqa: BLE001 - el trabajador no muere; lo intenta luego
                log.exception("falló una vuelta de la bandeja de salida del buzón")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.timbre.wait(), INTERVALO_S)
            self.timbre.clear()


async def iniciar(app: Starlette) -> None:
    from buzon import alertas

    alertas.instalar(app)
    url = nucleo(app).settings.smtp_url
    if not url:
        log.info("buzón: sin TURNOS_SMTP_URL; los avisos a las unidades quedan guardados")
        return
    cartero = Cartero(leer_url(url))
    cartero.tarea = asyncio.create_task(cartero.ciclo(app))
    app.state.buzon_cartero = cartero


async def detener(app: Starlette) -> None:
    cartero: Cartero | None = getattr(app.state, "buzon_cartero", None)
    if cartero is not None and cartero.tarea is not None:
        cartero.tarea.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await cartero.tarea


def despertar(app: Starlette) -> None:
    cartero: Cartero | None = getattr(app.state, "buzon_cartero", None)
    if cartero is not None:
        cartero.timbre.set()

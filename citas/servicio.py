"""Trabajador en segundo plano de los correos de citas (ciclo de vida de la capacidad).

Con `TURNOS_SMTP_URL` manda la bandeja de salida con el `Cartero` común del núcleo
(`turnos.servicios.bandeja`): al despertar (una reserva acaba de escribir un correo) o cada
`bandeja.INTERVALO_S` (recordatorios que ya tocan, reintentos). Sin SMTP no arranca: los
mensajes quedan guardados y se ven en /admin/correos-citas.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette

from citas import hoy
from citas.correo import enviar_pendientes, leer_url
from turnos.errores import TurnosError
from turnos.kit import nucleo
from turnos.servicios.bandeja import Cartero

log = logging.getLogger(__name__)


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
    smtp = leer_url(url)
    cartero = Cartero("citas", lambda alm, ahora: enviar_pendientes(alm, ahora, smtp))
    cartero.arrancar(nucleo(app).alm, nucleo(app).reloj)
    app.state.citas_cartero = cartero


async def detener(app: Starlette) -> None:
    cartero: Cartero | None = getattr(app.state, "citas_cartero", None)
    if cartero is not None:
        await cartero.detener()


def despertar(app: Starlette) -> None:
    """Tras escribir un correo en la bandeja: que salga ya, sin esperar la vuelta."""
    cartero: Cartero | None = getattr(app.state, "citas_cartero", None)
    if cartero is not None:
        cartero.despertar()

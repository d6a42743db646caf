"""Trabajador de la bandeja de salida del buzón y ganchos del ciclo de vida de la app.

Con `TURNOS_SMTP_URL` manda los avisos a las unidades al despertar (una canalización acaba de
escribir uno) o cada `bandeja.INTERVALO_S` (reintentos, y el recordatorio de los casos
vencidos). Sin SMTP los avisos quedan guardados (`turnos buzon-recordatorios` los encola desde
cron). El trabajador es el `Cartero` común del núcleo (`turnos.servicios.bandeja`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from starlette.applications import Starlette

from buzon.correo import enviar_pendientes, leer_url, recordar_vencidos
from turnos.db.almacen import Almacen
from turnos.kit import nucleo
from turnos.servicios.bandeja import Cartero
from turnos.servicios.smtp import Smtp

log = logging.getLogger(__name__)


def _vuelta(smtp: Smtp) -> Callable[[Almacen, datetime], None]:
    def vuelta(alm: Almacen, ahora: datetime) -> None:
        recordar_vencidos(alm, ahora)
        enviar_pendientes(alm, ahora, smtp)

    return vuelta


async def iniciar(app: Starlette) -> None:
    from buzon import alertas

    alertas.instalar(app)
    url = nucleo(app).settings.smtp_url
    if not url:
        log.info("buzón: sin TURNOS_SMTP_URL; los avisos a las unidades quedan guardados")
        return
    cartero = Cartero("buzón", _vuelta(leer_url(url)))
    cartero.arrancar(nucleo(app).alm, nucleo(app).reloj)
    app.state.buzon_cartero = cartero


async def detener(app: Starlette) -> None:
    cartero: Cartero | None = getattr(app.state, "buzon_cartero", None)
    if cartero is not None:
        await cartero.detener()


def despertar(app: Starlette) -> None:
    cartero: Cartero | None = getattr(app.state, "buzon_cartero", None)
    if cartero is not None:
        cartero.despertar()

"""Límites de intentos (biblioteca `limits`, ventana móvil) para login y formularios públicos.

Por omisión en la memoria del proceso (con varios workers, cada uno cuenta lo suyo). Con
`TURNOS_LIMITES_URL=redis://host:6379/0` todos los procesos comparten la cuenta.

Uso en un formulario público, una línea antes de procesarlo:
    await limites.exigir(request, "buzon", "5/minute;30/hour")
(cuenta cada envío por dirección; al pasarse, `DemasiadosIntentos` → 429 con Retry-After).
Para contar solo fallos (login), `espera(...)` antes y `fallo(...)` después.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from turnos.errores import DemasiadosIntentos

log = logging.getLogger(__name__)


class Limitador:
    def __init__(self, url: str = "", prefijo: str = "turnos") -> None:
        url = url or "memory://"
        opciones: dict[str, Any] = {"key_prefix": prefijo} if url.startswith("redis") else {}
        self.estrategia = MovingWindowRateLimiter(storage_from_string(url, **opciones))

    def espera(self, reglas: str, *claves: str) -> int:
        """Segundos que faltan para poder intentar de nuevo (0: puede)."""
        faltan = 0.0
        for regla in _reglas(reglas):
            try:
                if self.estrategia.test(regla, *claves):
                    continue
                reinicio = self.estrategia.get_window_stats(regla, *claves).reset_time
            except Exception:  # noqa: BLE001 - sin almacén de límites se sigue atendiendo
                log.error("almacén de límites no disponible; se deja pasar")
                return 0
            faltan = max(faltan, reinicio - time.time())
        return max(1, math.ceil(faltan)) if faltan > 0 else 0

    def contar(self, reglas: str, *claves: str) -> None:
        for regla in _reglas(reglas):
            try:
                self.estrategia.hit(regla, *claves)
            except Exception:  # noqa: BLE001
                log.error("almacén de límites no disponible; no se contó el intento")
                return


_CACHE: dict[str, list[RateLimitItem]] = {}


def _reglas(texto: str) -> list[RateLimitItem]:
    if texto not in _CACHE:
        _CACHE[texto] = parse_many(texto)
    return _CACHE[texto]


def de(app: Any) -> Limitador:
    """El limitador de la app (se crea al primer uso con `TURNOS_LIMITES_URL`)."""
    limitador = getattr(app.state, "limitador", None)
    if limitador is None:
        limitador = app.state.limitador = Limitador(app.state.settings.limites_url)
    return limitador


def direccion(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else "desconocida"


def mensaje(segundos: int) -> str:
    minutos = math.ceil(segundos / 60)
    plazo = f"{segundos} segundos" if segundos < 120 else f"{minutos} minutos"
    return f"Demasiados intentos. Espere {plazo} e intente de nuevo."


async def exigir(conn: HTTPConnection, nombre: str, reglas: str, *claves: str) -> None:
    """Cuenta un envío de `nombre` por dirección (y `claves`); si ya se pasó, 429."""
    limitador = de(conn.app)
    ids = (nombre, direccion(conn), *claves)
    segundos = await run_in_threadpool(limitador.espera, reglas, *ids)
    if segundos:
        raise DemasiadosIntentos(mensaje(segundos), segundos)
    await run_in_threadpool(limitador.contar, reglas, *ids)

"""Límite de tasa de los endpoints públicos de citas (biblioteca `limits`, ventana deslizante).

Provisional y pequeño: la rama `cuentas` prepara `turnos/web/limites.py` reutilizable; cuando
llegue a main, esto se cambia por aquél. Memoria del proceso: con varios procesos cada uno
cuenta lo suyo (el límite efectivo se multiplica por el número de procesos).
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.responses import JSONResponse

LIMITES = {
    "consulta": parse("120/minute"),  # disponibilidad, estado, .ics
    "reserva": parse("10/minute"),  # crear, cancelar, reprogramar
    "registro": parse("60/minute"),  # kiosco: una persona tecleando folios
}


class Limitador:
    def __init__(self) -> None:
        self._limitador = MovingWindowRateLimiter(MemoryStorage())

    def espera(self, grupo: str, quien: str) -> int | None:
        """None si pasa; si no, los segundos que debe esperar."""
        limite = LIMITES[grupo]
        if self._limitador.hit(limite, "citas", grupo, quien):
            return None
        reinicio, _ = self._limitador.get_window_stats(limite, "citas", grupo, quien)
        return max(1, math.ceil(reinicio - time.time()))


def espera(request: Request, grupo: str) -> int | None:
    """Segundos que debe esperar quien pide (None: puede pasar)."""
    estado = request.app.state
    if not hasattr(estado, "citas_limitador"):
        estado.citas_limitador = Limitador()
    cliente = request.client.host if request.client else "desconocido"
    limitador: Limitador = estado.citas_limitador
    return limitador.espera(grupo, cliente)


def limitar(request: Request, grupo: str) -> JSONResponse | None:
    """None si pasa; si no, la respuesta 429 JSON con Retry-After."""
    segundos = espera(request, grupo)
    if segundos is None:
        return None
    return JSONResponse(
        {
            "error": "demasiadas_solicitudes",
            "mensaje": f"Demasiadas solicitudes seguidas; intente de nuevo en {segundos} s.",
        },
        status_code=429,
        headers={"Retry-After": str(segundos)},
    )

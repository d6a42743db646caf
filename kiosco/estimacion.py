"""El rango de espera de un turno para el ticket y /t/{token}, en minutos de pantalla.

El cálculo es uno solo para todo el sistema: `turnos.servicios.estimacion.estimar_turno`
(la misma política que `llamar`); aquí solo se pasa a minutos (`kiosco.ticket.rango_minutos`).
"""

from __future__ import annotations

from typing import Any

from kiosco.ticket import rango_minutos


def rango_publico(espera_estimada: dict[str, Any] | None) -> tuple[int, int] | None:
    """De `{"min_s", "max_s"}` (o None) de la API al rango en minutos del ticket."""
    if not espera_estimada:
        return None
    return rango_minutos(int(espera_estimada["min_s"]), int(espera_estimada["max_s"]))

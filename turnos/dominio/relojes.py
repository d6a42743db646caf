"""Relojes de KPI de un tramo de turno (definiciones exactas en docs/KPIS.md).

Todos los tiempos son milisegundos epoch; el resultado, segundos (float) o None si no aplica.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tiempos:
    en_cola_ms: int
    llamado_ms: int | None = None
    inicio_ms: int | None = None
    fin_ms: int | None = None


def _seg(a: int | None, b: int | None) -> float | None:
    if a is None or b is None:
        return None
    return (b - a) / 1000


def espera_s(t: Tiempos) -> float | None:
    """De la entrada a la cola (emisión, registro de cita o transferencia) a la (primera) llamada."""
    return _seg(t.en_cola_ms, t.llamado_ms)


def traslado_s(t: Tiempos) -> float | None:
    """De la llamada al inicio de la atención (incluye rellamados)."""
    return _seg(t.llamado_ms, t.inicio_ms)


def atencion_s(t: Tiempos) -> float | None:
    """Del inicio al fin de la atención o a la transferencia."""
    return _seg(t.inicio_ms, t.fin_ms)


def dentro_de(segundos: float | None, maximo_s: int | None) -> bool | None:
    """¿Cumple el objetivo? None cuando no hay dato u objetivo."""
    if segundos is None or maximo_s is None:
        return None
    return segundos <= maximo_s

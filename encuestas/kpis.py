"""Indicadores puros de la encuesta (docs/KPIS.md): CSAT con intervalo de Wilson al 95 %, tasa
de respuesta y cortes de espera. Sin BD ni reloj: reciben números."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Z95 = 1.959963984540054
N_MINIMO_PERSONAL = 10  # por persona solo con al menos esta n: muestras chicas no castigan
# Minutos de espera para la curva satisfacción vs espera (límite inferior incluido).
CORTES_ESPERA_MIN = (0, 5, 10, 15, 20, 30, 45, 60)


def wilson(exitos: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Intervalo de Wilson de una proporción (0..1). Con n = 0 no hay intervalo: (0, 1)."""
    if n <= 0:
        return 0.0, 1.0
    p = exitos / n
    den = 1 + z * z / n
    centro = (p + z * z / (2 * n)) / den
    margen = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centro - margen), min(1.0, centro + margen)


@dataclass(frozen=True)
class Csat:
    n: int
    satisfechos: int  # respuestas 4 o 5
    suma: int  # para el promedio 1..5

    @property
    def proporcion(self) -> float | None:
        return self.satisfechos / self.n if self.n else None

    @property
    def intervalo(self) -> tuple[float, float] | None:
        return wilson(self.satisfechos, self.n) if self.n else None

    @property
    def promedio(self) -> float | None:
        return self.suma / self.n if self.n else None


def csat(calificaciones: Iterable[int]) -> Csat:
    lista = list(calificaciones)
    return Csat(len(lista), sum(1 for c in lista if c >= 4), sum(lista))


def pct(x: float | None) -> float | None:
    return None if x is None else round(100 * x, 1)


def tramo_espera(segundos: int) -> str:
    """La etiqueta del corte de espera («0–5 min», …, «60+ min»)."""
    minutos = segundos / 60
    for inferior, superior in zip(CORTES_ESPERA_MIN, CORTES_ESPERA_MIN[1:], strict=False):
        if inferior <= minutos < superior:
            return f"{inferior}–{superior} min"
    return f"{CORTES_ESPERA_MIN[-1]}+ min"


def texto_csat(c: Csat) -> str:
    """«85.0 % (n = 40; IC 95 %: 71.9–92.9 %)» o «sin respuestas»."""
    if not c.n or c.intervalo is None:
        return "sin respuestas"
    inf, sup = c.intervalo
    return f"{pct(c.proporcion)} % (n = {c.n}; IC 95 %: {pct(inf)}–{pct(sup)} %)"

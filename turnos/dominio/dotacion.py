"""Erlang C en espacio logarítmico y la dotación que cumple una meta de nivel de servicio. Puro.

Con carga ofrecida `A = λ · AHT` (erlangs) y `N > A` servidores:

    P_espera = [A^N/N! · N/(N−A)] / [Σ_{k<N} A^k/k! + A^N/N! · N/(N−A)]
    NS(T)    = 1 − P_espera · e^{−(N−A)·T/AHT}
    espera media = P_espera · AHT / (N − A);  ocupación = A / N

Se calcula con logaritmos (lgamma y log-suma-exp) para que centros grandes no desborden.
Vector de prueba publicado: 100 llegadas en 30 min, AHT 3 min, T = 20 s → A = 10; N = 14:
P_espera 0.1741, NS 0.8884; N = 13: NS 0.7956.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def _log_suma(valores: list[float]) -> float:
    m = max(valores)
    return m + math.log(sum(math.exp(v - m) for v in valores))


def prob_espera(carga: float, n: int) -> float:
    """P(esperar) de Erlang C; 1.0 si el sistema no es estable (N ≤ A)."""
    if carga <= 0:
        return 0.0
    if n <= carga:
        return 1.0
    log_a = math.log(carga)
    cola = n * log_a - math.lgamma(n + 1) + math.log(n / (n - carga))
    terminos = [k * log_a - math.lgamma(k + 1) for k in range(n)]
    return math.exp(cola - _log_suma([*terminos, cola]))


def nivel_servicio(carga: float, n: int, aht_s: float, meta_s: float) -> float:
    """Fracción atendida (llamada) antes de `meta_s` segundos."""
    if carga <= 0:
        return 1.0
    if n <= carga:
        return 0.0
    return 1 - prob_espera(carga, n) * math.exp(-(n - carga) * meta_s / aht_s)


def espera_media_s(carga: float, n: int, aht_s: float) -> float:
    if carga <= 0:
        return 0.0
    if n <= carga:
        return math.inf
    return prob_espera(carga, n) * aht_s / (n - carga)


@dataclass(frozen=True)
class Recomendacion:
    ventanillas: int
    carga: float  # erlangs
    prob_espera: float
    nivel_servicio: float
    espera_media_s: float
    ocupacion: float


def recomendar(
    llegadas_por_hora: float, aht_s: float, meta_s: float, objetivo: float = 0.8, maximo: int = 200
) -> Recomendacion:
    """Las ventanillas mínimas con nivel de servicio ≥ `objetivo` (0 si no llega nadie)."""
    carga = llegadas_por_hora * aht_s / 3600
    if carga <= 0:
        return Recomendacion(0, 0.0, 0.0, 1.0, 0.0, 0.0)
    n = max(1, math.floor(carga) + 1)
    while n < maximo and nivel_servicio(carga, n, aht_s, meta_s) < objetivo:
        n += 1
    return Recomendacion(
        n,
        carga,
        prob_espera(carga, n),
        nivel_servicio(carga, n, aht_s, meta_s),
        espera_media_s(carga, n, aht_s),
        carga / n,
    )


def nivel_del_plan(
    demanda: Mapping[K, tuple[float, float, float]], plan: Mapping[int, Sequence[K]]
) -> dict[K, tuple[int, float]]:
    """Nivel de servicio esperado de un plan de ventanillas: por trámite, (ventanillas del plan
    que lo atienden, fracción llamada dentro de su meta).

    `demanda`: trámite → (llegadas por hora, atención media s, meta s); `plan`: ventanilla →
    trámites que atiende. Las ventanillas compartidas se reparten como en el estimador: a la
    fila del trámite t llega, de cada trámite u, la parte de su carga que cae en las ventanillas
    de t (|V_u ∩ V_t| / |V_u|), y Erlang C se evalúa con esa carga, |V_t| servidores y la
    atención media de la mezcla. Con ventanillas dedicadas es Erlang C del trámite, exacto."""
    sirven = {t: {v for v, ts in plan.items() if t in ts} for t in demanda}
    niveles: dict[K, tuple[int, float]] = {}
    for t, (llegadas, aht, meta) in demanda.items():
        vt = sirven[t]
        if not vt:
            niveles[t] = (0, 1.0 if llegadas <= 0 else 0.0)
            continue
        tasa = trabajo = 0.0
        for u, (lu, au, _) in demanda.items():
            if sirven[u]:
                parte = lu * len(sirven[u] & vt) / len(sirven[u])
                tasa += parte
                trabajo += parte * au
        aht_mezcla = trabajo / tasa if tasa else aht
        niveles[t] = (len(vt), nivel_servicio(trabajo / 3600, len(vt), aht_mezcla, meta))
    return niveles

"""Estimación de espera con la MISMA política que llama turnos (`enrutamiento`). Puro.

1. **Orden predicho.** Sin llegadas nuevas, las ventanillas que atienden el trámite llaman a
   los que esperan en el orden de `enrutamiento.siguiente`, evaluado en el reloj de cada
   llamado (cada `paso_ms`): así los turnos que se vencen en el camino suben, como en `llamar`.
   Las diferencias de espera efectiva no cambian con el reloj; solo el umbral de vencimiento
   lo hace, por eso basta un montículo de no vencidos y otro de vencidos (O(n log n)).
2. **Personas delante.** Los que el orden pone antes del turno, cada uno con peso = fracción de
   las ventanillas abiertas de su trámite que también atienden el trámite del turno (si otra
   ventanilla también lo atiende, se reparte).
3. **Rango.** Con s ventanillas abiertas que atienden el trámite, `T` = atención media de la
   mezcla que tienen delante y `n` personas delante (más las de mayor prioridad que llegarán y
   lo rebasarán, `λ_alta · min(ventaja, W)`), hacen falta `k = n + 1 − libres` salidas; con
   atenciones exponenciales la espera es Erlang(k, s/T) y el rango mostrado es [P10, P90]
   (Whitt 1999; Ibrahim y Whitt 2009). Sin ventanillas abiertas o sin tiempos: sin estimación.
   Si hay más ventanillas libres que personas delante, lo llaman ya: [0, LLAMADO_LIBRE_S]
   (sin pasar de la primera salida de las ocupadas, P90), no una atención completa.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from turnos.dominio.enrutamiento import Candidato, Politica, espera_efectiva_ms

POLITICA = Politica()
P_BAJO = 0.10
P_ALTO = 0.90
# Con una ventanilla libre que lo atiende, el turno se llama en cuanto quien atiende oprime
# «llamar»: el rango es [0, LLAMADO_LIBRE_S], no una atención completa (issue 13).
LLAMADO_LIBRE_S = 120


@dataclass(frozen=True)
class VentanillaEstimada:
    id: int
    tramites: tuple[str, ...]  # en el orden de la ventanilla (desempate de la política)
    abierta: bool  # abierta o atendiendo
    libre: bool  # abierta y sin turno en curso


@dataclass(frozen=True)
class Estimacion:
    personas_delante: int
    min_s: int | None  # None = sin estimación
    max_s: int | None
    punto_s: int | None = None  # mediana (P50): la que minimiza el error absoluto


def _fija(c: Candidato, politica: Politica, rango: int) -> tuple[int, int, int, int]:
    # espera_efectiva(c, t) = t + espera_efectiva(c, 0): el orden no depende del reloj.
    return (-espera_efectiva_ms(c, 0, politica), rango, c.en_cola_ms, c.id)


def orden_predicho(
    candidatos: Sequence[Candidato],
    ahora_ms: int,
    politica: Politica = POLITICA,
    orden_tramites: Sequence[str] = (),
    paso_ms: int = 0,
    hasta_id: int | None = None,
) -> list[Candidato]:
    """Orden en que `llamar` los atendería si nadie más llega y se llama cada `paso_ms`
    (con `hasta_id`, se detiene al llegar a ese turno: basta para saber quién va antes).
    Los `al_frente` van primero, por su llegada a esa posición (como `clave_orden`)."""
    frente = sorted((c for c in candidatos if c.al_frente), key=lambda c: (c.en_cola_ms, c.id))
    if frente:
        primeros: list[Candidato] = []
        for c in frente:
            primeros.append(c)
            if c.id == hasta_id:
                return primeros
        resto = [c for c in candidatos if not c.al_frente]
        reloj0 = ahora_ms + paso_ms * len(primeros)
        return primeros + orden_predicho(resto, reloj0, politica, orden_tramites, paso_ms, hasta_id)

    def rango(c: Candidato) -> int:
        return (
            orden_tramites.index(c.tramite) if c.tramite in orden_tramites else len(orden_tramites)
        )

    normales: list[tuple[tuple[int, int, int, int], int]] = []
    por_vencer: list[tuple[int, int]] = []  # (primer instante vencido, índice)
    for i, c in enumerate(candidatos):
        normales.append((_fija(c, politica, rango(c)), i))
        if politica.prioridad_vencidos and c.espera_maxima_s is not None:
            por_vencer.append((c.en_cola_ms + c.espera_maxima_s * 1000 + 1, i))
    heapq.heapify(normales)
    heapq.heapify(por_vencer)
    vencidos: list[tuple[tuple[int, int, int, int], int]] = []
    hecho = [False] * len(candidatos)
    orden: list[Candidato] = []
    reloj = ahora_ms
    while len(orden) < len(candidatos):
        while por_vencer and por_vencer[0][0] <= reloj:
            _, i = heapq.heappop(por_vencer)
            if not hecho[i]:
                heapq.heappush(vencidos, (_fija(candidatos[i], politica, rango(candidatos[i])), i))
        fila = vencidos if vencidos else normales
        while True:
            _, i = heapq.heappop(fila)
            if not hecho[i]:
                break
            if not fila:  # los de esta fila ya salieron por la otra
                fila = normales
        hecho[i] = True
        orden.append(candidatos[i])
        if candidatos[i].id == hasta_id:
            break
        reloj += paso_ms
        while vencidos and hecho[vencidos[0][1]]:
            heapq.heappop(vencidos)
    return orden


# -- Erlang(k, tasa): cuantiles ---------------------------------------------------------------


EXACTO_HASTA = 40  # salidas; más allá, Wilson–Hilferty (error relativo < 0.3 %)
TOLERANCIA_S = 0.5  # se muestran segundos enteros


def erlang_cdf(x: float, k: int, tasa: float) -> float:
    """P(X ≤ x) con X ~ Erlang(k, tasa) = 1 − Σ_{i<k} e^{−λx} (λx)^i / i! (en espacio log)."""
    if x <= 0:
        return 0.0
    lx = tasa * x
    log_lx = math.log(lx)
    logs = [-lx + i * log_lx - math.lgamma(i + 1) for i in range(k)]
    maximo = max(logs)
    cola = math.exp(maximo) * sum(math.exp(t - maximo) for t in logs)
    return max(0.0, 1.0 - cola)


def erlang_cuantil(p: float, k: int, tasa: float) -> float:
    """x con P(X ≤ x) = p (ver `cuantil_con_rebases`)."""
    return cuantil_con_rebases(p, k, 0.0, tasa)


def _mezcla_cdf(x: float, k: int, pesos: Sequence[float], tasa: float) -> float:
    # Σ_j pesos[j] · P(Erlang(k + j) ≤ x); términos de Poisson por producto (sin desbordes aquí:
    # λx ≤ ~200 en los cuantiles que se buscan con k + j ≤ EXACTO_HASTA + colas).
    lx = tasa * x
    termino, acumulado, total = math.exp(-lx), 0.0, 0.0
    for i in range(k + len(pesos) - 1):
        acumulado += termino  # P(a lo más i salidas en x)
        if i + 1 >= k:
            total += pesos[i + 1 - k] * (1 - acumulado)
        termino *= lx / (i + 1)
    return total


def cuantil_con_rebases(p: float, k: int, rebases: float, tasa: float) -> float:
    """Cuantil de la espera cuando hacen falta k salidas más N ~ Poisson(rebases) de los que
    llegarán y lo rebasarán: mezcla de Erlang(k + j, tasa) con pesos de Poisson. Exacto
    (bisección a medio segundo) para pocas salidas; si no, la Gamma de la misma media y
    varianza por Wilson–Hilferty."""
    if k < 1 or tasa <= 0 or not 0 < p < 1 or rebases < 0:
        raise ValueError("se requiere k ≥ 1, tasa > 0, rebases ≥ 0 y 0 < p < 1")
    if k == 1 and rebases == 0:
        return -math.log1p(-p) / tasa
    jmax = int(rebases + 8 * math.sqrt(rebases) + 8) if rebases > 0 else 0
    if k + rebases > EXACTO_HASTA:
        media, var = (k + rebases) / tasa, (k + 2 * rebases) / tasa**2
        forma, escala = media**2 / var, var / media
        z = _normal_cuantil(p)
        return forma * escala * (1 - 1 / (9 * forma) + z / (3 * math.sqrt(forma))) ** 3
    pesos = (
        [math.exp(-rebases + j * math.log(rebases) - math.lgamma(j + 1)) for j in range(jmax + 1)]
        if rebases > 0
        else [1.0]
    )
    bajo, alto = 0.0, (k + jmax + 10 * math.sqrt(k + jmax) + 10) / tasa
    while alto - bajo > TOLERANCIA_S:
        medio = (bajo + alto) / 2
        if _mezcla_cdf(medio, k, pesos, tasa) < p:
            bajo = medio
        else:
            alto = medio
    return (bajo + alto) / 2


_Z = {0.1: -1.2815515655446004, 0.5: 0.0, 0.9: 1.2815515655446004}


def _normal_cuantil(p: float) -> float:
    if p in _Z:
        return _Z[p]
    bajo, alto = -10.0, 10.0  # bisección sobre erf: suficiente para otros p
    for _ in range(80):
        medio = (bajo + alto) / 2
        if 0.5 * (1 + math.erf(medio / math.sqrt(2))) < p:
            bajo = medio
        else:
            alto = medio
    return (bajo + alto) / 2


def _ventaja(clase: str, politica: Politica) -> int:
    return {"preferente": politica.ventaja_preferente_s, "cita": politica.ventaja_cita_s}.get(
        clase, 0
    )


def rebasan(objetivo: Candidato, llegadas_por_s: Mapping[str, float], espera_s: float,
            politica: Politica) -> float:  # fmt: skip
    """Llegadas esperadas que lo rebasarán: un recién llegado de clase con más ventaja va antes
    mientras su ventaja supere lo que el objetivo ya lleva esperando."""
    propia = _ventaja(objetivo.clase.value, politica)
    return sum(
        tasa * min(float(_ventaja(clase, politica) - propia), espera_s)
        for clase, tasa in llegadas_por_s.items()
        if _ventaja(clase, politica) > propia
    )


# -- estimación completa ------------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    """Lo que `estimar` deriva de las ventanillas antes de ordenar la fila."""

    abiertas: tuple[VentanillaEstimada, ...]
    orden_tramites: tuple[str, ...]  # el de la primera ventanilla de la base (desempate)
    peso: dict[str, float]  # cuánto pesa delante un turno de cada fila
    t_mix: float
    paso_ms: int


def base_de(
    tramite: str, ventanillas: Sequence[VentanillaEstimada], atencion_s: Mapping[str, float]
) -> Base | None:
    """Ventanillas, pesos y paso del reloj para un turno de `tramite` (None: nadie lo atiende)."""
    sirven = [v for v in ventanillas if tramite in v.tramites]
    abiertas = [v for v in sirven if v.abierta]
    base = abiertas or sirven  # sin abiertas, el orden sigue siendo el de la política
    if not base:
        return None
    por_tramite: dict[str, int] = {}  # ventanillas (abiertas) que atienden cada trámite
    todas = [v for v in ventanillas if v.abierta] if abiertas else list(ventanillas)
    for v in todas:
        for t in v.tramites:
            por_tramite[t] = por_tramite.get(t, 0) + 1
    en_base: dict[str, int] = {}
    for v in base:
        for t in v.tramites:
            en_base[t] = en_base.get(t, 0) + 1
    # Un turno de otro trámite cuenta por la parte de su fila que atiende la base y por la
    # parte de la base que ocupa (las ventanillas que solo atienden este trámite no lo llaman).
    peso = {t: min(n / por_tramite[t], n / len(base)) for t, n in en_base.items()}
    medias = [atencion_s[t] for t in peso if atencion_s.get(t, 0) > 0]
    t_mix = sum(medias) / len(medias) if medias else 0.0
    s = len(abiertas)
    paso_ms = int(t_mix * 1000 / s) if s and t_mix > 0 else 0
    return Base(tuple(abiertas), base[0].tramites, peso, t_mix, paso_ms)


def estimar(
    objetivo: Candidato,
    candidatos: Sequence[Candidato],
    ventanillas: Sequence[VentanillaEstimada],
    atencion_s: Mapping[str, float],
    ahora_ms: int,
    politica: Politica = POLITICA,
    llegadas_por_s: Mapping[str, float] | None = None,
    llamado_libre_s: int = LLAMADO_LIBRE_S,
) -> Estimacion:
    """Personas delante y rango [P10, P90] en segundos del turno `objetivo` (que está en
    `candidatos`). `ventanillas`: las activas del centro; `atencion_s`: media por trámite;
    `llegadas_por_s`: turnos por segundo por clase que llegan a esas ventanillas."""
    b = base_de(objetivo.tramite, ventanillas, atencion_s)
    if b is None:
        return Estimacion(0, None, None)
    relevantes = [c for c in candidatos if c.tramite in b.peso]
    orden = orden_predicho(relevantes, ahora_ms, politica, b.orden_tramites, b.paso_ms, objetivo.id)
    filas: list[str] = []
    for c in orden:
        if c.id == objetivo.id:
            break
        filas.append(c.tramite)
    return concluir(objetivo, filas, b, atencion_s, politica, llegadas_por_s, llamado_libre_s)


def concluir(
    objetivo: Candidato,
    filas_delante: Sequence[str],
    b: Base,
    atencion_s: Mapping[str, float],
    politica: Politica = POLITICA,
    llegadas_por_s: Mapping[str, float] | None = None,
    llamado_libre_s: int = LLAMADO_LIBRE_S,
) -> Estimacion:
    """Personas delante y rango, dadas las filas de los que van antes, en el orden predicho
    (la suma de pesos en ese orden: `delante.filas_delante` da la misma secuencia)."""
    peso, t_mix = b.peso, b.t_mix
    delante = 0.0
    tiempo_delante = 0.0
    for t in filas_delante:
        delante += peso[t]
        tiempo_delante += peso[t] * atencion_s.get(t, t_mix)
    personas = math.floor(delante + 0.5)
    t_obj = atencion_s.get(objetivo.tramite, 0.0)
    abiertas = b.abiertas
    s = len(abiertas)
    if not abiertas or t_obj <= 0:
        return Estimacion(personas, None, None)
    # Atención media de lo que hay delante (incluida la atención en curso, de la mezcla).
    t_media = (tiempo_delante + t_obj) / (delante + 1)
    tasa = s / t_media
    media = (delante + 1) / tasa
    extra = rebasan(objetivo, llegadas_por_s or {}, media, politica)
    libres = sum(1 for v in abiertas if v.libre)
    if libres > round(delante):  # una ventanilla libre lo llamará ya: lo que tarde en llamar,
        # acotado por la primera salida de las ocupadas (antes: una atención completa, P90).
        ocupadas = s - libres
        tope = math.ceil(erlang_cuantil(P_ALTO, 1, ocupadas / t_media)) if ocupadas else None
        return Estimacion(personas, 0, min(llamado_libre_s, tope or llamado_libre_s), 0)
    k = max(1, round(delante) + 1 - libres)
    return Estimacion(
        personas,
        int(cuantil_con_rebases(P_BAJO, k, extra, tasa)),
        math.ceil(cuantil_con_rebases(P_ALTO, k, extra, tasa)),
        round(cuantil_con_rebases(0.5, k, extra, tasa)),
    )

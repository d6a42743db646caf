"""Back-test del estimador de espera: reproduce la bitácora sin mirar al futuro. Puro.

En cada emisión se estima con solo lo que se sabía en ese instante (quién esperaba, qué
ventanillas estaban abiertas u ocupadas, las últimas atenciones ya terminadas, las llegadas de
la última hora) y se compara con la espera real (primer llamado − emisión). Los turnos que
nunca se llamaron (cancelados, vencidos) no tienen espera real: se cuentan aparte.

Línea base ingenua (la que usaba el ticket): personas del mismo trámite emitidas antes × atención
media ÷ ventanillas abiertas del trámite; su rango, [0.75·n, 1.25·(n+1)] × atención ÷ ventanillas.
"""

from __future__ import annotations

import heapq
import statistics
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from turnos.dominio.enrutamiento import Candidato, Politica
from turnos.dominio.espera import VentanillaEstimada, estimar
from turnos.dominio.estados import Clase

MUESTRA = 20
HORA_MS = 3600 * 1000
# Atención real media menor que 1/COMPRIMIDO de la meta del catálogo: tiempo comprimido (la demo
# de `turnos simular`); sin historia el estimador arranca con esa meta y las cifras no miden nada.
COMPRIMIDO = 10


@dataclass(frozen=True)
class Registro:
    """Un tramo de turno como quedó en la base."""

    id: int
    tramite: str
    clase: Clase
    en_cola_ms: int
    llamado_ms: int | None
    inicio_ms: int | None
    fin_ms: int | None
    ventanilla: int | None
    cita_ms: int | None = None
    espera_maxima_s: int | None = None


@dataclass(frozen=True)
class CambioVentanilla:
    ms: int
    ventanilla: int
    abierta: bool


@dataclass
class Puntaje:
    errores: list[float] = field(default_factory=list)  # predicho − real (s)
    dentro: int = 0

    def agregar(self, predicho: float, real: float, bajo: float, alto: float) -> None:
        self.errores.append(predicho - real)
        self.dentro += int(bajo <= real <= alto)

    def resumen(self) -> dict[str, float]:
        if not self.errores:
            return {"n": 0}
        absolutos = [abs(e) for e in self.errores]
        return {
            "n": len(self.errores),
            "mae_s": sum(absolutos) / len(absolutos),
            "mediana_ae_s": statistics.median(absolutos),
            "sesgo_s": sum(self.errores) / len(self.errores),
            "cobertura": self.dentro / len(self.errores),
        }


@dataclass
class Resultado:
    estimador: dict[str, Puntaje] = field(default_factory=dict)  # por trámite; "*" = total
    base: dict[str, Puntaje] = field(default_factory=dict)
    sin_estimacion: int = 0
    no_llamados: int = 0
    con_meta: int = 0  # puntuadas cuya atención media era la meta del catálogo (sin historia)
    comprimidos: dict[str, tuple[float, float]] = field(default_factory=dict)  # (media s, meta s)

    def puntuar(self, tramite: str, cual: dict[str, Puntaje], pred: tuple[float, ...]) -> None:
        for clave in (tramite, "*"):
            cual.setdefault(clave, Puntaje()).agregar(*pred)


def evaluar(
    registros: Iterable[Registro],
    cambios: Iterable[CambioVentanilla],
    ventanillas: Mapping[int, Sequence[str]],
    metas_s: Mapping[str, float],
    politica: Politica = Politica(),  # noqa: B008 - inmutable
) -> Resultado:
    """Reproduce emisiones, llamados, fines y cambios de ventanilla en orden de tiempo."""
    sucesos: list[tuple[int, int, int, object]] = []
    for r in registros:
        sucesos.append((r.en_cola_ms, 2, r.id, r))
        if r.llamado_ms is not None:
            sucesos.append((r.llamado_ms, 3, r.id, r))
        if r.fin_ms is not None:
            sucesos.append((r.fin_ms, 0, r.id, r))
    for i, c in enumerate(cambios):
        sucesos.append((c.ms, 1, i, c))
    heapq.heapify(sucesos)
    esperando: dict[int, Candidato] = {}
    abiertas: dict[int, bool] = {}
    ocupadas: dict[int, bool] = {}
    historia: dict[str, deque[float]] = {}
    llegadas: deque[tuple[int, str, Clase]] = deque()
    observadas: dict[str, tuple[float, int]] = {}  # trámite -> (suma s, n)
    res = Resultado()
    while sucesos:
        ms, tipo, _, x = heapq.heappop(sucesos)
        if isinstance(x, CambioVentanilla):
            abiertas[x.ventanilla] = x.abierta
            continue
        assert isinstance(x, Registro)
        r = x
        if tipo == 0:  # fin: libera la ventanilla y, si hubo atención, entra a la historia
            esperando.pop(r.id, None)
            if r.ventanilla is not None and r.llamado_ms is not None:
                ocupadas[r.ventanilla] = False
                inicio = r.inicio_ms if r.inicio_ms is not None else r.llamado_ms
                historia.setdefault(r.tramite, deque(maxlen=MUESTRA)).append((ms - inicio) / 1000)
                suma, n = observadas.get(r.tramite, (0.0, 0))
                observadas[r.tramite] = (suma + (ms - inicio) / 1000, n + 1)
        elif tipo == 3:
            esperando.pop(r.id, None)
            if r.ventanilla is not None:
                ocupadas[r.ventanilla] = True
        else:
            cand = Candidato(r.id, r.tramite, r.clase, r.en_cola_ms, r.espera_maxima_s, r.cita_ms)
            esperando[r.id] = cand
            while llegadas and llegadas[0][0] <= ms - HORA_MS:
                llegadas.popleft()
            _estimar_y_puntuar(
                res, r, cand, esperando, abiertas, ocupadas, historia, llegadas, ventanillas,
                metas_s, politica,
            )  # fmt: skip
            llegadas.append((ms, r.tramite, r.clase))
    for t, (suma, n) in observadas.items():
        meta = metas_s.get(t)
        if meta and n and suma / n * COMPRIMIDO < meta:
            res.comprimidos[t] = (suma / n, meta)
    return res


def _estimar_y_puntuar(
    res: Resultado,
    r: Registro,
    cand: Candidato,
    esperando: dict[int, Candidato],
    abiertas: dict[int, bool],
    ocupadas: dict[int, bool],
    historia: dict[str, deque[float]],
    llegadas: deque[tuple[int, str, Clase]],
    ventanillas: Mapping[int, Sequence[str]],
    metas_s: Mapping[str, float],
    politica: Politica,
) -> None:
    ms = r.en_cola_ms
    vents = [
        VentanillaEstimada(
            v,
            tuple(ts),
            abierta=abiertas.get(v, False) or ocupadas.get(v, False),
            libre=abiertas.get(v, False) and not ocupadas.get(v, False),
        )
        for v, ts in ventanillas.items()
    ]
    medias: dict[str, float] = {}
    for t in {t for ts in ventanillas.values() for t in ts} | {r.tramite}:
        h = historia.get(t)
        if h and sum(h) > 0:
            medias[t] = sum(h) / len(h)
        elif metas_s.get(t):
            medias[t] = metas_s[t]
    servidas = {t for v in vents if r.tramite in v.tramites for t in v.tramites}
    por_clase: dict[str, float] = {}
    for _, t, c in llegadas:
        if t in servidas:
            por_clase[c.value] = por_clase.get(c.value, 0.0) + 1 / (HORA_MS / 1000)
    est = estimar(cand, list(esperando.values()), vents, medias, ms, politica, por_clase)
    if r.llamado_ms is None:
        res.no_llamados += 1
        return
    s = sum(1 for v in vents if v.abierta and r.tramite in v.tramites)
    t_media = medias.get(r.tramite)
    if est.punto_s is None or est.min_s is None or est.max_s is None or not s or not t_media:
        res.sin_estimacion += 1
        return
    real = (r.llamado_ms - ms) / 1000
    res.puntuar(r.tramite, res.estimador, (est.punto_s, real, est.min_s, est.max_s))
    h = historia.get(r.tramite)
    res.con_meta += int(not (h and sum(h) > 0))
    n = sum(
        1
        for c in esperando.values()
        if c.tramite == r.tramite and (c.en_cola_ms, c.id) < (ms, r.id)
    )
    base = t_media / s
    res.puntuar(r.tramite, res.base, (n * base, real, 0.75 * n * base, 1.25 * (n + 1) * base))

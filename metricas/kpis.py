"""KPI puros (sin BD ni reloj): acumulados sumables, percentiles por histograma y recursos.

Los acumulados se suman entre días, trámites o ventanillas sin volver a leer filas: la BD agrega
(GROUP BY) y aquí solo se combinan resultados pequeños. Definiciones exactas en docs/KPIS.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# Ancho de las cubetas del histograma de percentiles: exacto a 30 s (se informa el borde inferior).
CUBETA_S = 30

ORIGENES = ("kiosco", "cita", "web", "recepcion")
CLASES = ("general", "preferente", "cita")
DIAS_SEMANA = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def _sumar_dict(a: dict[Any, int], b: dict[Any, int]) -> None:
    for k, v in b.items():
        a[k] = a.get(k, 0) + v


@dataclass
class Acumulado:
    """Sumas de un grupo de tramos. Tiempos en ms; histogramas en cubetas de CUBETA_S."""

    tramos: int = 0
    emitidos: int = 0  # tramos 1: turnos emitidos
    atendidos: int = 0
    ausentes: int = 0
    cancelados: int = 0
    transferidos: int = 0
    expirados: int = 0
    pendientes: int = 0  # en espera, llamados o en atención
    por_origen: dict[str, int] = field(default_factory=dict)
    por_clase: dict[str, int] = field(default_factory=dict)
    n_espera: int = 0
    suma_espera_ms: int = 0
    max_espera_ms: int | None = None
    con_meta_espera: int = 0  # esperas de trámites con espera máxima definida
    dentro_espera: int = 0
    n_traslado: int = 0
    suma_traslado_ms: int = 0
    n_atencion: int = 0
    suma_atencion_ms: int = 0
    max_atencion_ms: int | None = None
    con_meta_atencion: int = 0
    dentro_atencion: int = 0
    hist_espera: dict[int, int] = field(default_factory=dict)
    hist_atencion: dict[int, int] = field(default_factory=dict)
    ventanillas: set[int] = field(default_factory=set)
    usuarios: set[int] = field(default_factory=set)

    def sumar(self, o: Acumulado) -> Acumulado:
        # Campo por campo, sin getattr: se llama miles de veces por reporte.
        self.tramos += o.tramos
        self.emitidos += o.emitidos
        self.atendidos += o.atendidos
        self.ausentes += o.ausentes
        self.cancelados += o.cancelados
        self.transferidos += o.transferidos
        self.expirados += o.expirados
        self.pendientes += o.pendientes
        self.n_espera += o.n_espera
        self.suma_espera_ms += o.suma_espera_ms
        self.con_meta_espera += o.con_meta_espera
        self.dentro_espera += o.dentro_espera
        self.n_traslado += o.n_traslado
        self.suma_traslado_ms += o.suma_traslado_ms
        self.n_atencion += o.n_atencion
        self.suma_atencion_ms += o.suma_atencion_ms
        self.con_meta_atencion += o.con_meta_atencion
        self.dentro_atencion += o.dentro_atencion
        self.max_espera_ms = _maximo(self.max_espera_ms, o.max_espera_ms)
        self.max_atencion_ms = _maximo(self.max_atencion_ms, o.max_atencion_ms)
        for mio, suyo in (
            (self.por_origen, o.por_origen),
            (self.por_clase, o.por_clase),
            (self.hist_espera, o.hist_espera),
            (self.hist_atencion, o.hist_atencion),
        ):
            if suyo:
                _sumar_dict(mio, suyo)
        self.ventanillas |= o.ventanillas
        self.usuarios |= o.usuarios
        return self


def _maximo(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else max(a, b)


def sumar(grupos: Iterable[Acumulado]) -> Acumulado:
    total = Acumulado()
    for g in grupos:
        total.sumar(g)
    return total


def percentil(hist: dict[int, int], p: float) -> float | None:
    """Rango más cercano: el menor valor v con al menos ⌈p·n⌉ observaciones ≤ v.

    `hist` cuenta observaciones por cubeta (valor // CUBETA_S); se devuelve el borde inferior
    de la cubeta, en segundos (exacto cuando los tiempos son múltiplos de CUBETA_S).
    """
    n = sum(hist.values())
    if n == 0:
        return None
    rango = max(1, math.ceil(p * n))
    visto = 0
    for cubeta in sorted(hist):
        visto += hist[cubeta]
        if visto >= rango:
            return float(cubeta * CUBETA_S)
    return None  # inalcanzable


def _div(a: float, b: float) -> float | None:
    return a / b if b else None


def resumen(a: Acumulado) -> dict[str, Any]:
    """Las cifras de un grupo, en segundos y proporciones (None = sin datos)."""
    return {
        "emitidos": a.emitidos,
        "tramos": a.tramos,
        "atendidos": a.atendidos,
        "ausentes": a.ausentes,
        "cancelados": a.cancelados,
        "transferidos": a.transferidos,
        "expirados": a.expirados,
        "por_origen": {o: a.por_origen.get(o, 0) for o in ORIGENES},
        "por_clase": {c: a.por_clase.get(c, 0) for c in CLASES},
        "llamados": a.n_espera,
        "espera_media_s": _div(a.suma_espera_ms / 1000, a.n_espera),
        "espera_p50_s": percentil(a.hist_espera, 0.5),
        "espera_p90_s": percentil(a.hist_espera, 0.9),
        "espera_max_s": None if a.max_espera_ms is None else a.max_espera_ms / 1000,
        "traslado_media_s": _div(a.suma_traslado_ms / 1000, a.n_traslado),
        "atencion_media_s": _div(a.suma_atencion_ms / 1000, a.n_atencion),
        "atencion_p50_s": percentil(a.hist_atencion, 0.5),
        "atencion_p90_s": percentil(a.hist_atencion, 0.9),
        "atencion_max_s": None if a.max_atencion_ms is None else a.max_atencion_ms / 1000,
        "atencion_total_s": a.suma_atencion_ms / 1000,
        "nivel_servicio": _div(a.dentro_espera, a.con_meta_espera),
        "nivel_atencion": _div(a.dentro_atencion, a.con_meta_atencion),
        "ausentismo": _div(a.ausentes, a.emitidos),
        "ventanillas": len(a.ventanillas),
        "personas": len(a.usuarios),
    }


# -- recursos -------------------------------------------------------------------------------

ABRE = "ventanilla_abierta"
TERMINA = frozenset({"ventanilla_pausada", "ventanilla_cerrada", "ventanilla_liberada"})
CIERRE = "cierre_dia"


@dataclass(frozen=True)
class Intervalo:
    ventanilla_id: int
    usuario_id: int | None
    desde_ms: int
    hasta_ms: int | None  # None: sigue abierta


def intervalos_abiertos(
    eventos: Iterable[tuple[int, str, int | None, int | None]],
) -> list[Intervalo]:
    """De (ts_ms, tipo, ventanilla_id, usuario_id) en orden de seq a intervalos de apertura.

    Abre `ventanilla_abierta` (un segundo «abrir» sobre una abierta no reinicia); termina
    `ventanilla_pausada`, `ventanilla_cerrada`, `ventanilla_liberada` o `cierre_dia` (este,
    todas las del centro).
    """
    abiertas: dict[int, tuple[int, int | None]] = {}
    salida: list[Intervalo] = []
    for ts, tipo, vid, uid in eventos:
        if tipo == ABRE and vid is not None:
            abiertas.setdefault(vid, (ts, uid))
        elif tipo in TERMINA and vid in abiertas:
            desde, quien = abiertas.pop(vid)
            salida.append(Intervalo(vid, quien, desde, ts))
        elif tipo == CIERRE:
            for v, (desde, quien) in sorted(abiertas.items()):
                salida.append(Intervalo(v, quien, desde, ts))
            abiertas.clear()
    salida += [Intervalo(v, u, d, None) for v, (d, u) in sorted(abiertas.items())]
    return salida


def recortar(i: Intervalo, desde_ms: int, hasta_ms: int) -> int:
    """ms del intervalo dentro de [desde_ms, hasta_ms); uno abierto cuenta hasta `hasta_ms`."""
    fin = hasta_ms if i.hasta_ms is None else min(i.hasta_ms, hasta_ms)
    return max(0, fin - max(i.desde_ms, desde_ms))


# -- tiempo local ---------------------------------------------------------------------------


def limites_dia(dia: date, zona: str) -> tuple[int, int]:
    """[inicio, fin) del día local en ms epoch."""
    z = ZoneInfo(zona)
    a = datetime(dia.year, dia.month, dia.day, tzinfo=z)
    b = datetime.combine(dia + timedelta(days=1), datetime.min.time(), tzinfo=z)
    return int(a.timestamp() * 1000), int(b.timestamp() * 1000)


def desfases(dia: date, zona: str) -> list[tuple[int, int]]:
    """[(desde_ms, desfase_ms)] del día: uno solo salvo el día de un cambio de horario."""
    z = ZoneInfo(zona)
    inicio, fin = limites_dia(dia, zona)

    def desfase(ms: int) -> int:
        off = datetime.fromtimestamp(ms / 1000, z).utcoffset() or timedelta(0)
        return int(off.total_seconds() * 1000)

    tramos = [(inicio, desfase(inicio))]
    if desfase(fin - 1) != tramos[0][1]:
        lo, hi = inicio, fin - 1  # búsqueda binaria del minuto del cambio
        while hi - lo > 60_000:
            medio = (lo + hi) // 2
            if desfase(medio) == tramos[0][1]:
                lo = medio
            else:
                hi = medio
        tramos.append((hi, desfase(hi)))
    return tramos


def dia_semana(dia: str) -> int:
    return date.fromisoformat(dia).weekday()


def dias_entre(desde: date, hasta: date) -> list[date]:
    return [desde + timedelta(days=i) for i in range((hasta - desde).days + 1)]

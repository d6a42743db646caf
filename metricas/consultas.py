"""El informe de un periodo: suma los resúmenes diarios (metricas/dia.py) de la memoria, de
`kpi_dia` o calculados.

Un día pasado sin turnos pendientes ni ventanillas abiertas al final ya no puede cambiar (toda
acción exige un turno pendiente o la hora actual): su resumen se guarda en memoria y en `kpi_dia`,
y un informe mensual solo calcula lo que falte (ver docs/KPIS.md, «Rendimiento»).
"""

from __future__ import annotations

import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, text

from metricas import kpis, persistencia
from metricas.dia import Dia as Dia
from metricas.dia import _en
from metricas.dia import calcular_dia as calcular_dia
from metricas.dia import seq_antes_de as seq_antes_de
from metricas.kpis import Acumulado
from turnos.servicios import consultas as nucleo

# -- caché de días cerrados -----------------------------------------------------------------

# En memoria por proceso y, para días cerrados, también en la tabla kpi_dia (persistencia.py):
# tras reiniciar, un mes se lee de ~30 filas en vez de recalcularse.
_cache: weakref.WeakKeyDictionary[Engine, dict[tuple[int, str], Dia]] = weakref.WeakKeyDictionary()
_candado = threading.Lock()
_MAX_DIAS = 20_000
PARALELO = max(1, min(4, os.cpu_count() or 1))  # conexiones para calcular días que falten


def dia_con_cache(
    motor: Engine,
    conn: Connection,
    centro_id: int,
    zona: str,
    dia: date,
    hoy: date,
    ahora_ms: int | None = None,
) -> Dia:
    return resumenes(motor, conn, centro_id, zona, [dia], hoy, ahora_ms)[0]


def _recordar(motor: Engine, centro_id: int, r: Dia) -> None:
    with _candado:
        dias = _cache.setdefault(motor, {})
        if len(dias) >= _MAX_DIAS:
            dias.clear()
        dias[(centro_id, r.dia)] = r


def _en_paralelo(motor: Engine) -> bool:
    return motor.dialect.name == "postgresql" or (motor.url.database or ":memory:") != ":memory:"


def _calcular_aparte(
    motor: Engine, centro_id: int, zona: str, dia: date, hoy: date, ahora_ms: int | None
) -> Dia:
    with motor.connect().execution_options(solo_lectura=True) as conn, conn.begin():
        return calcular_dia(conn, centro_id, zona, dia, hoy, ahora_ms)


def resumenes(
    motor: Engine,
    conn: Connection,
    centro_id: int,
    zona: str,
    dias: list[date],
    hoy: date,
    ahora_ms: int | None = None,
) -> list[Dia]:
    """El resumen de cada día: de la memoria, de `kpi_dia` (una consulta para el periodo) o
    calculado. Los días pasados que falten se calculan en `PARALELO` conexiones propias (la
    agregación en SQLite suelta el GIL); hoy, en `conn`. Los cerrados se guardan juntos."""
    r: dict[date, Dia] = {}
    with _candado:
        memoria = _cache.get(motor, {})
        r = {
            d: memoria[(centro_id, d.isoformat())]
            for d in dias
            if (centro_id, d.isoformat()) in memoria
        }
    faltan = [d for d in dias if d not in r]
    if faltan:
        leidos = persistencia.leer_periodo(
            conn, Dia, centro_id, faltan[0].isoformat(), faltan[-1].isoformat()
        )
        for d in faltan:
            if (g := leidos.get(d.isoformat())) is not None and g.final:
                r[d] = g
                _recordar(motor, centro_id, g)
    calculados = [d for d in dias if d not in r]
    pasados = [d for d in calculados if d < hoy]
    if len(pasados) > 1 and PARALELO > 1 and _en_paralelo(motor):
        with ThreadPoolExecutor(PARALELO, thread_name_prefix="kpi-dia") as hilos:
            for d, dia in zip(
                pasados,
                hilos.map(
                    lambda d: _calcular_aparte(motor, centro_id, zona, d, hoy, ahora_ms), pasados
                ),
                strict=True,
            ):
                r[d] = dia
    for d in calculados:
        if d not in r:
            r[d] = calcular_dia(conn, centro_id, zona, d, hoy, ahora_ms)
    cerrados = [r[d] for d in calculados if r[d].final]
    persistencia.guardar_varios(motor, centro_id, cerrados)
    for dia in cerrados:
        _recordar(motor, centro_id, dia)
    return [r[d] for d in dias]


def olvidar_cache() -> None:
    with _candado:
        _cache.clear()


# -- informe de un periodo ------------------------------------------------------------------


@dataclass
class Informe:
    centro: Any  # turnos.servicios.consultas.CentroInfo
    desde: date
    hasta: date
    tramites: dict[int, Any]
    ventanillas: dict[int, Any]
    usuarios: dict[int, Any]
    por_tramite: dict[int, Acumulado]
    por_ventanilla: dict[int, Acumulado]
    por_usuario: dict[int, Acumulado]
    por_hora: dict[int, Acumulado]
    por_dia_semana: dict[int, Acumulado]
    por_dia: dict[str, Acumulado]
    total: Acumulado
    abierta_ms: dict[int, int]
    persona_ms: dict[int, int]
    dias_con_servicio: dict[int, int]  # por día de la semana: días con turnos (para «lo usual»)
    por_dia_tramite: dict[str, dict[int, Acumulado]] = field(default_factory=dict)  # solo leer


def _catalogo(conn: Connection, centro_id: int) -> tuple[dict[int, Any], ...]:
    tramites = {
        f.id: f
        for f in conn.execute(
            text(
                "SELECT id, clave, nombre, modalidad, nivel_digitalizacion, espera_maxima_min,"
                " atencion_maxima_min, orden, activo, url_en_linea FROM tramite"
                " WHERE centro_id = :c ORDER BY orden, clave"
            ),
            {"c": centro_id},
        )
    }
    ventanillas = {
        f.id: f
        for f in conn.execute(
            text("SELECT id, numero, nombre FROM ventanilla WHERE centro_id = :c ORDER BY numero"),
            {"c": centro_id},
        )
    }
    usuarios = {
        f.id: f
        for f in conn.execute(
            text(
                "SELECT DISTINCT u.id, u.usuario, u.nombre FROM usuario u"
                " WHERE u.centro_id = :c OR u.centro_id IS NULL ORDER BY u.id"
            ),
            {"c": centro_id},
        )
    }
    return tramites, ventanillas, usuarios


def informe(
    motor: Engine,
    conn: Connection,
    slug: str,
    desde: date,
    hasta: date,
    hoy: date,
    ahora_ms: int | None = None,
) -> Informe:
    """KPI de `desde` a `hasta` (días locales, inclusive). `hoy`: día local actual del centro;
    `ahora_ms`: el instante actual, hasta donde cuenta una ventanilla que sigue abierta hoy."""
    c = nucleo.centro(conn, slug)
    tramites, ventanillas, usuarios = _catalogo(conn, c.id)
    inf = Informe(
        c,
        desde,
        hasta,
        tramites,
        ventanillas,
        usuarios,
        {},
        {},
        {},
        {},
        {},
        {},
        Acumulado(),
        {},
        {},
        {},
    )
    dias = kpis.dias_entre(desde, hasta)
    for d, r in zip(dias, resumenes(motor, conn, c.id, c.zona, dias, hoy, ahora_ms), strict=True):
        for destino, origen in (
            (inf.por_tramite, r.por_tramite),
            (inf.por_ventanilla, r.por_ventanilla),
            (inf.por_usuario, r.por_usuario),
            (inf.por_hora, r.por_hora),
        ):
            for clave, a in origen.items():
                _en(destino, clave).sumar(a)
        inf.total.sumar(r.total)
        inf.por_dia[r.dia] = r.total
        inf.por_dia_tramite[r.dia] = r.por_tramite
        semana = d.weekday()
        _en(inf.por_dia_semana, semana).sumar(r.total)
        if r.total.tramos:
            inf.dias_con_servicio[semana] = inf.dias_con_servicio.get(semana, 0) + 1
        for v, ms in r.abierta_ms.items():
            inf.abierta_ms[v] = inf.abierta_ms.get(v, 0) + ms
        for u, ms in r.persona_ms.items():
            inf.persona_ms[u] = inf.persona_ms.get(u, 0) + ms
    return inf

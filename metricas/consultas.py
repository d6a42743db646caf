"""Agregación en SQL de los KPI de un centro, día por día, y el informe de un periodo.

Cada día se resume con dos consultas GROUP BY sobre `ix_turno_dia` (centro, día): un «cubo»
por (trámite, ventanilla, persona, hora local) con conteos y sumas, y los histogramas de espera
y atención en cubetas de 30 s para los percentiles. Python solo combina esos resúmenes.

Un día pasado sin turnos pendientes ni ventanillas abiertas al final ya no puede cambiar (toda
acción exige un turno pendiente o la hora actual): su resumen se guarda en memoria y un informe
mensual solo recalcula lo que falte (ver docs/KPIS.md, «Rendimiento»).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, text

from metricas import kpis, persistencia
from metricas.kpis import Acumulado
from turnos.servicios import consultas as nucleo

_ESPERA = "t.llamado_ms IS NOT NULL AND t.estado NOT IN ('cancelado', 'expirado')"
_TRASLADO = f"{_ESPERA} AND t.inicio_ms IS NOT NULL"
_ATENCION = (
    "t.estado IN ('atendido', 'transferido') AND t.inicio_ms IS NOT NULL AND t.fin_ms IS NOT NULL"
)
_ESTADOS = ("atendido", "ausente", "cancelado", "transferido", "expirado")


def _cubo_sql(hora: str, por_hora: bool) -> str:
    """Conteos, sumas y máximos por (trámite, ventanilla, persona), o por hora local."""
    f = "count(*) FILTER (WHERE {})".format
    columnas = [
        *(
            [f"{hora} AS hora"]
            if por_hora
            else ["t.tramite_id AS tid", "t.ventanilla_id AS vid", "t.usuario_id AS uid"]
        ),
        "count(*) AS tramos",
        f("t.tramo = 1") + " AS emitidos",
        *(f(f"t.estado = '{e}'") + f" AS {e}" for e in _ESTADOS),
        f("t.estado IN ('en_espera', 'llamado', 'en_atencion')") + " AS pendientes",
        *(f(f"t.tramo = 1 AND t.origen = '{o}'") + f" AS o_{o}" for o in kpis.ORIGENES),
        *(f(f"t.tramo = 1 AND t.clase = '{c}'") + f" AS c_{c}" for c in kpis.CLASES),
        f(_ESPERA) + " AS n_espera",
        f"sum(t.llamado_ms - t.en_cola_ms) FILTER (WHERE {_ESPERA}) AS s_espera",
        f"max(t.llamado_ms - t.en_cola_ms) FILTER (WHERE {_ESPERA}) AS m_espera",
        f(f"{_ESPERA} AND tr.espera_maxima_min IS NOT NULL") + " AS cm_espera",
        f(f"{_ESPERA} AND t.llamado_ms - t.en_cola_ms <= tr.espera_maxima_min * 60000")
        + " AS d_espera",
        f(_TRASLADO) + " AS n_traslado",
        f"sum(t.inicio_ms - t.llamado_ms) FILTER (WHERE {_TRASLADO}) AS s_traslado",
        f(_ATENCION) + " AS n_atencion",
        f"sum(t.fin_ms - t.inicio_ms) FILTER (WHERE {_ATENCION}) AS s_atencion",
        f"max(t.fin_ms - t.inicio_ms) FILTER (WHERE {_ATENCION}) AS m_atencion",
        f(f"{_ATENCION} AND tr.atencion_maxima_min IS NOT NULL") + " AS cm_atencion",
        f(f"{_ATENCION} AND t.fin_ms - t.inicio_ms <= tr.atencion_maxima_min * 60000")
        + " AS d_atencion",
    ]
    return (
        f"SELECT {', '.join(columnas)} FROM turno t JOIN tramite tr ON tr.id = t.tramite_id"
        " WHERE t.centro_id = :c AND t.dia = :d GROUP BY "
        + ("hora" if por_hora else "t.tramite_id, t.ventanilla_id, t.usuario_id")
    )


_CUBETA = kpis.CUBETA_S * 1000
_HIST = text(
    "SELECT t.tramite_id, t.ventanilla_id, t.usuario_id, 'e' AS reloj,"
    f" (t.llamado_ms - t.en_cola_ms) / {_CUBETA} AS cubeta, count(*) AS n FROM turno t"
    f" WHERE t.centro_id = :c AND t.dia = :d AND {_ESPERA}"
    " GROUP BY t.tramite_id, t.ventanilla_id, t.usuario_id, cubeta"
    " UNION ALL SELECT t.tramite_id, t.ventanilla_id, t.usuario_id, 'a' AS reloj,"
    f" (t.fin_ms - t.inicio_ms) / {_CUBETA} AS cubeta, count(*) AS n FROM turno t"
    f" WHERE t.centro_id = :c AND t.dia = :d AND {_ATENCION}"
    " GROUP BY t.tramite_id, t.ventanilla_id, t.usuario_id, cubeta"
)
_VENTANILLAS_EV = text(
    "SELECT ts_ms, tipo, ventanilla_id, usuario_id FROM evento WHERE centro_id = :c"
    " AND seq > :s0 AND seq <= :s1 AND ts_ms < :hasta AND tipo IN ('ventanilla_abierta',"
    " 'ventanilla_pausada', 'ventanilla_cerrada', 'ventanilla_liberada', 'cierre_dia')"
    " ORDER BY seq"
)
_EV_TS = text("SELECT ts_ms FROM evento WHERE centro_id = :c AND seq = :s")
_PUNTA = text("SELECT seq FROM cadena WHERE centro_id = :c")


def seq_antes_de(conn: Connection, centro_id: int, ts_ms: int, punta: int) -> int:
    """Último seq con ts < ts_ms, por búsqueda binaria en el índice (centro, seq): la bitácora
    no tiene índice por tiempo y su ts crece con el seq (salvo ms entre comandos simultáneos,
    que el margen de quien llama absorbe)."""
    lo, hi = 0, punta
    while lo < hi:
        medio = (lo + hi + 1) // 2
        ts = conn.execute(_EV_TS, {"c": centro_id, "s": medio}).scalar()
        if ts is not None and ts < ts_ms:
            lo = medio
        else:
            hi = medio - 1
    return lo


_LOOKBACK_MS = 24 * 3600 * 1000  # una apertura del día anterior que siguió abierta
_MARGEN_MS = 60_000


def _hora_sql(dia: date, zona: str) -> tuple[str, dict[str, int]]:
    tramos = kpis.desfases(dia, zona)
    if len(tramos) == 1:
        return "((t.en_cola_ms + :off0) / 3600000) % 24", {"off0": tramos[0][1]}
    (_, off0), (cambio, off1) = tramos[0], tramos[1]
    return (
        "(CASE WHEN t.en_cola_ms < :cambio THEN (t.en_cola_ms + :off0) / 3600000"
        " ELSE (t.en_cola_ms + :off1) / 3600000 END) % 24",
        {"off0": off0, "off1": off1, "cambio": cambio},
    )


@dataclass
class Dia:
    """Resumen de un día de un centro (sumable)."""

    dia: str
    por_tramite: dict[int, Acumulado] = field(default_factory=dict)
    por_ventanilla: dict[int, Acumulado] = field(default_factory=dict)
    por_usuario: dict[int, Acumulado] = field(default_factory=dict)
    por_hora: dict[int, Acumulado] = field(default_factory=dict)
    total: Acumulado = field(default_factory=Acumulado)
    abierta_ms: dict[int, int] = field(default_factory=dict)  # por ventanilla
    persona_ms: dict[int, int] = field(default_factory=dict)  # por usuario que abrió
    final: bool = False  # ya no puede cambiar


def _i(v: Any) -> int:
    return int(v or 0)  # PostgreSQL devuelve Decimal en sum(bigint)


def _acumulado(f: Any) -> Acumulado:
    return Acumulado(
        tramos=f.tramos,
        emitidos=f.emitidos,
        atendidos=f.atendido,
        ausentes=f.ausente,
        cancelados=f.cancelado,
        transferidos=f.transferido,
        expirados=f.expirado,
        pendientes=f.pendientes,
        por_origen={o: getattr(f, f"o_{o}") for o in kpis.ORIGENES if getattr(f, f"o_{o}")},
        por_clase={c: getattr(f, f"c_{c}") for c in kpis.CLASES if getattr(f, f"c_{c}")},
        n_espera=f.n_espera,
        suma_espera_ms=_i(f.s_espera),
        max_espera_ms=None if f.m_espera is None else int(f.m_espera),
        con_meta_espera=f.cm_espera,
        dentro_espera=f.d_espera,
        n_traslado=f.n_traslado,
        suma_traslado_ms=_i(f.s_traslado),
        n_atencion=f.n_atencion,
        suma_atencion_ms=_i(f.s_atencion),
        max_atencion_ms=None if f.m_atencion is None else int(f.m_atencion),
        con_meta_atencion=f.cm_atencion,
        dentro_atencion=f.d_atencion,
        ventanillas={v} if (v := getattr(f, "vid", None)) is not None else set(),
        usuarios={u} if (u := getattr(f, "uid", None)) is not None else set(),
    )


def _en(grupo: dict[Any, Acumulado], clave: Any) -> Acumulado:
    a = grupo.get(clave)
    if a is None:
        a = grupo[clave] = Acumulado()
    return a


def calcular_dia(
    conn: Connection,
    centro_id: int,
    zona: str,
    dia: date,
    hoy: date,
    ahora_ms: int | None = None,
) -> Dia:
    """Resume un día con dos consultas agregadas y los eventos de ventanilla.

    `ahora_ms`: una ventanilla que sigue abierta cuenta solo hasta ahora, no hasta el fin del día
    (los días pasados no cambian: su fin ya quedó atrás)."""
    hora, params = _hora_sql(dia, zona)
    p = {"c": centro_id, "d": dia.isoformat()}
    r = Dia(dia.isoformat())
    # Dos cubos chicos en vez de uno por (trámite, ventanilla, persona, hora): cada fila de un
    # cubo cruzado se sumaría en cinco grupos, y casi cada turno sería una fila.
    for f in conn.execute(text(_cubo_sql(hora, False)), p):
        a = _acumulado(f)
        for grupo, clave in (
            (r.por_tramite, f.tid),
            (r.por_ventanilla, f.vid),
            (r.por_usuario, f.uid),
        ):
            if clave is not None:
                _en(grupo, clave).sumar(a)
        r.total.sumar(a)
    for f in conn.execute(text(_cubo_sql(hora, True)), {**p, **params}):
        r.por_hora[int(f.hora)] = _acumulado(f)
    for tid, vid, uid, reloj, cubeta, n in conn.execute(_HIST, p):
        nombre = "hist_espera" if reloj == "e" else "hist_atencion"
        cubeta = int(cubeta)
        destinos = [r.total, r.por_tramite[tid]]
        destinos += [r.por_ventanilla[vid]] if vid is not None else []
        destinos += [r.por_usuario[uid]] if uid is not None else []
        for a in destinos:
            h = getattr(a, nombre)
            h[cubeta] = h.get(cubeta, 0) + int(n)
    inicio, fin = kpis.limites_dia(dia, zona)
    punta = conn.execute(_PUNTA, {"c": centro_id}).scalar() or 0
    s0 = seq_antes_de(conn, centro_id, inicio - _LOOKBACK_MS, punta)
    s1 = seq_antes_de(conn, centro_id, fin + _MARGEN_MS, punta)
    eventos = conn.execute(
        _VENTANILLAS_EV, {"c": centro_id, "s0": s0, "s1": s1, "hasta": fin}
    ).all()
    abierta_al_final = False
    tope = fin if ahora_ms is None else max(inicio, min(fin, ahora_ms))
    for i in kpis.intervalos_abiertos(eventos):
        ms = kpis.recortar(i, inicio, tope)
        abierta_al_final |= i.hasta_ms is None or i.hasta_ms > fin
        if ms:
            r.abierta_ms[i.ventanilla_id] = r.abierta_ms.get(i.ventanilla_id, 0) + ms
            if i.usuario_id is not None:
                r.persona_ms[i.usuario_id] = r.persona_ms.get(i.usuario_id, 0) + ms
    r.final = dia < hoy and r.total.pendientes == 0 and not abierta_al_final
    return r


# -- caché de días cerrados -----------------------------------------------------------------

# En memoria por proceso y, para días cerrados, también en la tabla kpi_dia (persistencia.py):
# tras reiniciar, un mes se lee de ~30 filas en vez de recalcularse.
_cache: weakref.WeakKeyDictionary[Engine, dict[tuple[int, str], Dia]] = weakref.WeakKeyDictionary()
_candado = threading.Lock()
_MAX_DIAS = 20_000


def dia_con_cache(
    motor: Engine,
    conn: Connection,
    centro_id: int,
    zona: str,
    dia: date,
    hoy: date,
    ahora_ms: int | None = None,
) -> Dia:
    with _candado:
        guardado = _cache.setdefault(motor, {}).get((centro_id, dia.isoformat()))
    if guardado is not None:
        return guardado
    r = persistencia.leer(conn, Dia, centro_id, dia.isoformat())
    if r is None:
        r = calcular_dia(conn, centro_id, zona, dia, hoy, ahora_ms)
        if r.final:
            persistencia.guardar(motor, centro_id, r)
    if r.final:
        with _candado:
            dias = _cache[motor]
            if len(dias) >= _MAX_DIAS:
                dias.clear()
            dias[(centro_id, r.dia)] = r
    return r


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
    for d in kpis.dias_entre(desde, hasta):
        r = dia_con_cache(motor, conn, c.id, c.zona, d, hoy, ahora_ms)
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


def precalentar(alm: Any, ahora: Any, dias: int = 62) -> int:
    """Resume los días cerrados recientes de cada centro (para un hilo al arrancar): el primer
    reporte mensual ya no paga el cálculo en frío. Devuelve cuántos días quedaron guardados."""
    from datetime import timedelta

    from turnos.dominio.numeracion import dia_local

    with alm.lectura() as conn:
        centros = conn.execute(text("SELECT id, zona FROM centro WHERE activo = true")).all()
    guardados = 0
    for cid, zona in centros:
        hoy = dia_local(ahora, zona)
        for k in range(dias, 0, -1):
            with alm.lectura() as conn:  # una lectura corta por día: no retiene la BD
                guardados += dia_con_cache(
                    alm.motor, conn, cid, zona, hoy - timedelta(days=k), hoy
                ).final
    return guardados

"""Agregación en SQL de los KPI de un centro en un día (`calcular_dia`).

Cada día se resume con dos consultas GROUP BY sobre `ix_turno_dia` (centro, día): un «cubo»
por (trámite, ventanilla, persona, hora local) con conteos y sumas, y los histogramas de espera
y atención en cubetas de 30 s para los percentiles. Python solo combina esos resúmenes.

El resumen de un día pasado y cerrado se guarda (metricas/consultas.py, `kpi_dia`): un informe
mensual solo calcula lo que falte (ver docs/KPIS.md, «Rendimiento»).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from metricas import kpis
from metricas.kpis import Acumulado

_ESPERA = "t.llamado_ms IS NOT NULL AND t.estado NOT IN ('cancelado', 'expirado')"
_TRASLADO = f"{_ESPERA} AND t.inicio_ms IS NOT NULL"
_ATENCION = (
    "t.estado IN ('atendido', 'transferido') AND t.inicio_ms IS NOT NULL AND t.fin_ms IS NOT NULL"
)
_ESTADOS = ("atendido", "ausente", "cancelado", "transferido", "expirado")


def _cubo_sql(hora: str) -> str:
    """Conteos, sumas y máximos por (trámite, ventanilla, persona, hora local)."""
    f = "count(*) FILTER (WHERE {})".format
    columnas = [
        "t.tramite_id AS tid",
        "t.ventanilla_id AS vid",
        "t.usuario_id AS uid",
        f"{hora} AS hora",
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
        " WHERE t.centro_id = :c AND t.dia = :d GROUP BY t.tramite_id, t.ventanilla_id,"
        " t.usuario_id, hora"
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
    # Un solo recorrido del día: el cubo por (trámite, ventanilla, persona, hora) da ~1000 filas;
    # primero se juntan por (trámite, ventanilla, persona) y por hora, y esos grupos se reparten.
    cubo: dict[tuple[Any, Any, Any], Acumulado] = {}
    por_hora: dict[int, Acumulado] = {}
    for f in conn.execute(text(_cubo_sql(hora)), {**p, **params}):
        a = _acumulado(f)
        _en(cubo, (f.tid, f.vid, f.uid)).sumar(a)
        _en(por_hora, int(f.hora)).sumar(a)
    for (tid, vid, uid), a in cubo.items():
        for grupo, clave in ((r.por_tramite, tid), (r.por_ventanilla, vid), (r.por_usuario, uid)):
            if clave is not None:
                _en(grupo, clave).sumar(a)
        r.total.sumar(a)
    for h in sorted(por_hora):  # por hora no se cuentan ventanillas ni personas
        a = r.por_hora[h] = por_hora[h]
        a.ventanillas, a.usuarios = set(), set()
    # Miles de filas por día: los histogramas destino de cada (trámite, ventanilla, persona,
    # reloj) se buscan una vez, no en cada fila.
    destinos_de: dict[tuple[Any, Any, Any, str], list[dict[int, int]]] = {}
    for tid, vid, uid, reloj, cubeta, n in conn.execute(_HIST, p):
        destinos = destinos_de.get((tid, vid, uid, reloj))
        if destinos is None:
            nombre = "hist_espera" if reloj == "e" else "hist_atencion"
            grupos = [r.total, r.por_tramite[tid]]
            grupos += [r.por_ventanilla[vid]] if vid is not None else []
            grupos += [r.por_usuario[uid]] if uid is not None else []
            destinos = destinos_de[(tid, vid, uid, reloj)] = [getattr(a, nombre) for a in grupos]
        cubeta, n = int(cubeta), int(n)
        for hist in destinos:
            hist[cubeta] = hist.get(cubeta, 0) + n
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

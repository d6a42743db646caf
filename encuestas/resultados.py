"""Resultados de la encuesta para reportes, evidencia MAS, datos abiertos y el tablero.

Cada función de `TablaReporte` recibe ``(conn, centro_id, desde, hasta, zona)`` (fechas locales
del centro, ambas incluidas). El periodo se cuenta por la hora en que terminó la atención
(cuando se abrió la encuesta); la tasa de respuesta es respondidas / turnos atendidos con
encuesta en el periodo.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from encuestas import kpis
from encuestas.kpis import Csat

_FILAS = text(
    "SELECT e.calificacion, e.creada_ms, e.espera_s, e.atencion_s, tr.clave AS tramite,"
    " tr.nombre AS tramite_nombre, v.numero AS ventanilla, u.nombre AS personal"
    " FROM encuesta e JOIN tramite tr ON tr.id = e.tramite_id"
    " JOIN ventanilla v ON v.id = e.ventanilla_id LEFT JOIN usuario u ON u.id = e.usuario_id"
    " WHERE e.centro_id = :c AND e.creada_ms >= :desde AND e.creada_ms < :hasta"
)


def rango_ms(desde: date, hasta: date, zona: str) -> tuple[int, int]:
    z = ZoneInfo(zona)
    inicio = datetime.combine(desde, time(0), z)
    fin = datetime.combine(hasta + timedelta(days=1), time(0), z)
    return int(inicio.timestamp() * 1000), int(fin.timestamp() * 1000)


def _leer(conn: Connection, centro_id: int, desde: date, hasta: date, zona: str) -> list[Any]:
    a, b = rango_ms(desde, hasta, zona)
    return list(conn.execute(_FILAS, {"c": centro_id, "desde": a, "hasta": b}))


def _fila(c: Csat, atendidos: int | None = None) -> dict[str, Any]:
    inf, sup = c.intervalo or (None, None)
    fila: dict[str, Any] = {
        "respuestas": c.n,
        "csat_pct": kpis.pct(c.proporcion),
        "ic95_inferior_pct": kpis.pct(inf),
        "ic95_superior_pct": kpis.pct(sup),
        "promedio": None if c.promedio is None else round(c.promedio, 2),
    }
    if atendidos is not None:
        fila["atendidos"] = atendidos
        fila["tasa_respuesta_pct"] = kpis.pct(c.n / atendidos) if atendidos else None
    return fila


def _agrupar(filas: Iterable[Any], llave: Callable[[Any], Any]) -> dict[Any, tuple[list[int], int]]:
    """llave → (calificaciones respondidas, encuestas abiertas)."""
    grupos: dict[Any, tuple[list[int], int]] = {}
    for f in filas:
        respuestas, abiertas = grupos.get(llave(f), ([], 0))
        if f.calificacion is not None:
            respuestas.append(f.calificacion)
        grupos[llave(f)] = (respuestas, abiertas + 1)
    return grupos


def por_tramite(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    filas = _leer(conn, centro_id, desde, hasta, zona)
    grupos = _agrupar(filas, lambda f: (f.tramite, f.tramite_nombre))
    salida = [
        {"tramite": clave, "tramite_nombre": nombre, **_fila(kpis.csat(r), abiertas)}
        for (clave, nombre), (r, abiertas) in sorted(grupos.items())
    ]
    if filas:
        todas = [f.calificacion for f in filas if f.calificacion is not None]
        salida.append(
            {"tramite": "", "tramite_nombre": "Total", **_fila(kpis.csat(todas), len(filas))}
        )
    return salida


def por_ventanilla(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    grupos = _agrupar(_leer(conn, centro_id, desde, hasta, zona), lambda f: f.ventanilla)
    return [
        {"ventanilla": numero, **_fila(kpis.csat(r), abiertas)}
        for numero, (r, abiertas) in sorted(grupos.items())
    ]


def por_personal(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    """Por persona: el CSAT solo con n ≥ N_MINIMO_PERSONAL y siempre con su intervalo."""
    grupos = _agrupar(_leer(conn, centro_id, desde, hasta, zona), lambda f: f.personal or "")
    salida = []
    for nombre, (r, _) in sorted(grupos.items()):
        c = kpis.csat(r)
        fila = {"personal": nombre or "(sin cuenta)", **_fila(c)}
        if c.n < kpis.N_MINIMO_PERSONAL:
            for k in ("csat_pct", "ic95_inferior_pct", "ic95_superior_pct", "promedio"):
                fila[k] = None
            fila["nota"] = f"menos de {kpis.N_MINIMO_PERSONAL} respuestas: sin cifra"
        else:
            fila["nota"] = ""
        salida.append(fila)
    return salida


def por_hora(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    z = ZoneInfo(zona)

    def hora(f: Any) -> int:
        return datetime.fromtimestamp(f.creada_ms / 1000, z).hour

    grupos = _agrupar(_leer(conn, centro_id, desde, hasta, zona), hora)
    return [
        {"hora": f"{h:02d}:00", **_fila(kpis.csat(r), abiertas)}
        for h, (r, abiertas) in sorted(grupos.items())
    ]


def por_espera(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    """Curva «satisfacción vs minutos de espera» por trámite (espera medida de ese turno)."""
    orden = {kpis.tramo_espera(m * 60): i for i, m in enumerate(kpis.CORTES_ESPERA_MIN)}
    grupos = _agrupar(
        (f for f in _leer(conn, centro_id, desde, hasta, zona) if f.calificacion is not None),
        lambda f: (f.tramite, kpis.tramo_espera(f.espera_s)),
    )
    return [
        {"tramite": tramite, "espera": tramo, **_fila(kpis.csat(r))}
        for (tramite, tramo), (r, _) in sorted(
            grupos.items(), key=lambda g: (g[0][0], orden[g[0][1]])
        )
    ]


def evidencia(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    filas = _leer(conn, centro_id, desde, hasta, zona)
    respuestas = [f.calificacion for f in filas if f.calificacion is not None]
    c = kpis.csat(respuestas)
    tabletas = conn.execute(
        text(
            "SELECT count(*) FROM dispositivo WHERE centro_id = :c AND tipo = 'tableta'"
            " AND activo = true"
        ),
        {"c": centro_id},
    ).scalar_one()
    tasa = kpis.pct(len(respuestas) / len(filas)) if filas else None
    return [
        {
            "indicador": "Satisfacción ciudadana (CSAT: proporción de 4 y 5)",
            "valor": kpis.texto_csat(c),
            "detalle": "Encuesta de 1 a 5 ligada a cada turno atendido (tableta o teléfono).",
        },
        {
            "indicador": "Tasa de respuesta de la encuesta",
            "valor": "sin turnos atendidos" if tasa is None else f"{tasa} %",
            "detalle": f"{len(respuestas)} respuestas de {len(filas)} turnos atendidos.",
        },
        {
            "indicador": "Equipo para recabar encuestas",
            "valor": f"{tabletas} tableta(s) activa(s)",
            "detalle": "Tabletas en ventanilla más la encuesta en el teléfono (QR del ticket).",
        },
    ]


def datos_abiertos(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    """Solo agregados por trámite: conteos por calificación, CSAT y tasa (sin personal ni texto)."""
    grupos = _agrupar(_leer(conn, centro_id, desde, hasta, zona), lambda f: f.tramite)
    salida = []
    for tramite, (r, abiertas) in sorted(grupos.items()):
        c = kpis.csat(r)
        conteos = defaultdict(int, {v: r.count(v) for v in set(r)})
        salida.append(
            {
                "tramite": tramite,
                "atendidos": abiertas,
                "respuestas": c.n,
                **{f"calificacion_{v}": conteos[v] for v in range(1, 6)},
                "csat_pct": kpis.pct(c.proporcion),
                "tasa_respuesta_pct": kpis.pct(c.n / abiertas) if abiertas else None,
            }
        )
    return salida


def resumen_dia(conn: Connection, centro_id: int, dia: date, zona: str) -> dict[str, Any]:
    """Para el tablero: CSAT del día con n e intervalo, y la tasa de respuesta."""
    filas = _leer(conn, centro_id, dia, dia, zona)
    c = kpis.csat(f.calificacion for f in filas if f.calificacion is not None)
    tasa = kpis.pct(c.n / len(filas)) if filas else None
    return {
        "fecha": dia.isoformat(),
        **_fila(c, len(filas)),
        "texto": kpis.texto_csat(c),
        "texto_tasa": "sin turnos atendidos"
        if tasa is None
        else f"{tasa} % ({c.n} de {len(filas)})",
    }

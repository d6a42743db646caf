"""«Resuelto en primera visita» por trámite: de los turnos atendidos con una marca de resultado
(turno.resultado, marcas del trámite en tramite.marcas; ver turnos/servicios/resultados.py),
cuántos se marcaron con una marca que resuelve el trámite. Tabla de reportes (TablaReporte
«resultados»): métricas lee tablas del núcleo; el núcleo no importa métricas."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

_ATENDIDOS = text(
    "SELECT tr.clave, tr.marcas, t.resultado, count(*) AS n FROM turno t"
    " JOIN tramite tr ON tr.id = t.tramite_id WHERE t.centro_id = :c AND t.estado = 'atendido'"
    " AND t.resultado <> '' AND t.fin_ms >= :a AND t.fin_ms < :b"
    " GROUP BY tr.clave, tr.marcas, t.resultado ORDER BY tr.clave"
)


def _limites(desde: date, hasta: date, zona: str) -> tuple[int, int]:
    z = ZoneInfo(zona)
    a = datetime.combine(desde, time(), z)
    b = datetime.combine(hasta + timedelta(days=1), time(), z)
    return int(a.timestamp() * 1000), int(b.timestamp() * 1000)


def _pct(n: int, d: int) -> float | None:
    return round(100 * n / d, 1) if d else None


def filas(conn: Any, centro_id: int, desde: date, hasta: date, zona: str) -> list[dict[str, Any]]:
    a, b = _limites(desde, hasta, zona)
    por_tramite: dict[str, Counter[str]] = defaultdict(Counter)
    resuelven: dict[str, set[str]] = defaultdict(set)
    nombres: dict[str, dict[str, str]] = defaultdict(dict)
    for f in conn.execute(_ATENDIDOS, {"c": centro_id, "a": a, "b": b}):
        por_tramite[f.clave][f.resultado] += int(f.n)
        for m in json.loads(f.marcas or "[]"):
            nombres[f.clave][m["clave"]] = m["nombre"]
            if m.get("resuelve"):
                resuelven[f.clave].add(m["clave"])
    salida = []
    for clave, cuenta in sorted(por_tramite.items()):
        total = sum(cuenta.values())
        resueltos = sum(n for r, n in cuenta.items() if r in resuelven[clave])
        salida.append(
            {
                "tramite": clave,
                "con_marca": total,
                "resueltos": resueltos,
                "resuelto_primera_visita_pct": _pct(resueltos, total),
                "marcas": " · ".join(
                    f"{nombres[clave].get(r, r)}: {n}" for r, n in sorted(cuenta.items())
                ),
            }
        )
    return salida


def datos_abiertos(
    conn: Any, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    """Solo agregados por trámite (sin texto libre)."""
    return [
        {k: f[k] for k in ("tramite", "con_marca", "resueltos", "resuelto_primera_visita_pct")}
        for f in filas(conn, centro_id, desde, hasta, zona)
    ]


def evidencia(
    conn: Any, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    todas = filas(conn, centro_id, desde, hasta, zona)
    total = sum(f["con_marca"] for f in todas)
    resueltos = sum(f["resueltos"] for f in todas)
    pct = _pct(resueltos, total)
    return [
        {
            "indicador": "Resuelto en primera visita",
            "valor": "sin datos" if pct is None else f"{pct} %",
            "detalle": f"{resueltos} de {total} atenciones con marca de resultado",
        }
    ]

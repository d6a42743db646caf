"""Reporte periódico del buzón (tablas `TablaReporte` que métricas suma a sus reportes,
evidencia MAS y datos abiertos) y su exposición Prometheus.

Definiciones (docs/ARCHITECTURE.md):
- casos del periodo: recibidos entre las 00:00 de `desde` y las 24:00 de `hasta` (hora local);
- atendido: la primera respuesta pública (o el cierre, si se cerró sin responder);
- a tiempo: atendido a más tardar en su fecha de vencimiento (SLA del tipo), entre atendidos;
- bien canalizado: de los casos cerrados en el periodo, la primera unidad asignada es la que lo
  cerró (exactitud = bien canalizados / cerrados con unidad).
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from buzon import reglas
from turnos.tiempo import a_ms

_DIA_MS = 86_400_000


def _rango(desde: date, hasta: date, zona: str) -> tuple[int, int]:
    z = ZoneInfo(zona)
    inicio = datetime.combine(desde, time(), z)
    fin = datetime.combine(hasta + timedelta(days=1), time(), z)
    return a_ms(inicio), a_ms(fin)


_CASOS = text(
    "SELECT k.tipo, k.asunto, k.canal, k.estado, k.creado_ms, k.respuesta_ms, k.cerrado_ms,"
    " k.vence_ms, u.nombre AS unidad FROM buzon_caso k LEFT JOIN buzon_unidad u"
    " ON u.id = k.unidad_id WHERE k.centro_id = :c AND k.creado_ms >= :a AND k.creado_ms < :b"
)


def _casos(conn: Connection, centro_id: int, desde: date, hasta: date, zona: str) -> list[Any]:
    a, b = _rango(desde, hasta, zona)
    return list(conn.execute(_CASOS, {"c": centro_id, "a": a, "b": b}))


def _atendido(k: Any) -> int | None:
    ms = k.respuesta_ms if k.respuesta_ms is not None else k.cerrado_ms
    return None if ms is None else int(ms)


def _mediana_dias(valores: list[int]) -> float | None:
    return round(statistics.median(valores) / _DIA_MS, 1) if valores else None


def _pct(n: int, d: int) -> float | None:
    return round(100 * n / d, 1) if d else None


def _resumen(ks: list[Any]) -> dict[str, Any]:
    atendidos = [k for k in ks if _atendido(k) is not None]
    return {
        "recibidas": len(ks),
        "abiertas": sum(k.estado not in reglas.FINALES for k in ks),
        "cerradas": sum(k.estado in reglas.FINALES for k in ks),
        "mediana_dias_respuesta": _mediana_dias([_atendido(k) - k.creado_ms for k in atendidos]),
        "mediana_dias_resolucion": _mediana_dias(
            [k.cerrado_ms - k.creado_ms for k in ks if k.cerrado_ms is not None]
        ),
        "a_tiempo_pct": _pct(sum(_atendido(k) <= k.vence_ms for k in atendidos), len(atendidos)),
    }


def por_tipo(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    ks = _casos(conn, centro_id, desde, hasta, zona)
    filas = [{"tipo": t, **_resumen([k for k in ks if k.tipo == t])} for t in reglas.TIPOS]
    filas.append({"tipo": "total", **_resumen(ks)})
    return filas


def desglose(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    """Casos del periodo por asunto, unidad y canal."""
    ks = _casos(conn, centro_id, desde, hasta, zona)
    filas = []
    for dimension, valor in (("asunto", "asunto"), ("unidad", "unidad"), ("canal", "canal")):
        cuenta = Counter(getattr(k, valor) or "(sin)" for k in ks)
        filas += [
            {"dimension": dimension, "valor": v, "casos": n} for v, n in sorted(cuenta.items())
        ]
    return filas


_CERRADOS = text(
    "SELECT k.canal, k.asunto, k.primera_unidad_id, k.unidad_id, k.cerrado_ms, k.respuesta_ms,"
    " k.vence_ms FROM buzon_caso k WHERE k.centro_id = :c AND k.cerrado_ms >= :a"
    " AND k.cerrado_ms < :b AND k.primera_unidad_id IS NOT NULL"
)


def canalizacion(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    a, b = _rango(desde, hasta, zona)
    ks = list(conn.execute(_CERRADOS, {"c": centro_id, "a": a, "b": b}))

    def fila(grupo: str, sub: list[Any]) -> dict[str, Any]:
        bien = [k for k in sub if k.primera_unidad_id == k.unidad_id]
        a_tiempo = [k for k in bien if _atendido(k) is not None and _atendido(k) <= k.vence_ms]
        return {
            "grupo": grupo,
            "cerrados": len(sub),
            "bien_canalizados": len(bien),
            "exactitud_pct": _pct(len(bien), len(sub)),
            "bien_y_a_tiempo": len(a_tiempo),
        }

    filas = [fila("total", ks)]
    for canal in sorted({k.canal for k in ks}):
        filas.append(fila(f"canal: {canal}", [k for k in ks if k.canal == canal]))
    for asunto in sorted({k.asunto for k in ks}):
        filas.append(fila(f"asunto: {asunto or '(sin)'}", [k for k in ks if k.asunto == asunto]))
    return filas


_RERUTEO = text(
    "SELECT de.nombre AS de, a.nombre AS a, count(*) AS casos FROM buzon_movimiento m"
    " JOIN buzon_caso k ON k.id = m.caso_id JOIN buzon_unidad de ON de.id = m.de_unidad_id"
    " JOIN buzon_unidad a ON a.id = m.a_unidad_id WHERE k.centro_id = :c AND m.tipo = 'canalizacion'"
    " AND m.de_unidad_id <> m.a_unidad_id AND m.ts_ms >= :a AND m.ts_ms < :b"
    " GROUP BY de.nombre, a.nombre ORDER BY de.nombre, a.nombre"
)


def reruteo(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    a, b = _rango(desde, hasta, zona)
    return [
        {"de": f.de, "a": f.a, "casos": f.casos}
        for f in conn.execute(_RERUTEO, {"c": centro_id, "a": a, "b": b})
    ]


_QUEJAS = text(
    "SELECT t.clave, t.nombre,"
    " (SELECT count(*) FROM buzon_caso k WHERE k.tramite_id = t.id AND k.tipo = 'queja'"
    "  AND k.creado_ms >= :a AND k.creado_ms < :b) AS quejas,"
    " (SELECT count(*) FROM turno x WHERE x.tramite_id = t.id AND x.estado = 'atendido'"
    "  AND x.fin_ms >= :a AND x.fin_ms < :b) AS atendidos"
    " FROM tramite t WHERE t.centro_id = :c ORDER BY t.clave"
)


def quejas_por_tramite(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    a, b = _rango(desde, hasta, zona)
    return [
        {
            "tramite": f.clave,
            "nombre": f.nombre,
            "quejas": f.quejas,
            "atendidos": f.atendidos,
            "por_mil": round(1000 * f.quejas / f.atendidos, 1) if f.atendidos else None,
        }
        for f in conn.execute(_QUEJAS, {"c": centro_id, "a": a, "b": b})
    ]


_TEXTOS = text(
    "SELECT k.asunto, k.tipo, k.descripcion FROM buzon_caso k WHERE k.centro_id = :c"
    " AND k.tipo <> 'denuncia' AND k.creado_ms >= :a AND k.creado_ms < :b"
    " ORDER BY k.asunto, k.tipo, k.id"
)


def textos(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    """La parte cualitativa para la reunión de mejora: textos sin correos ni teléfonos."""
    a, b = _rango(desde, hasta, zona)
    return [
        {"asunto": f.asunto or "(sin)", "tipo": f.tipo, "texto": reglas.anonimizar(f.descripcion)}
        for f in conn.execute(_TEXTOS, {"c": centro_id, "a": a, "b": b})
    ]


def evidencia(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    total = por_tipo(conn, centro_id, desde, hasta, zona)[-1]
    canal = canalizacion(conn, centro_id, desde, hasta, zona)[0]
    return [
        {
            "indicador": "Manifestaciones recibidas (buzón ciudadano)",
            "valor": str(total["recibidas"]),
            "detalle": f"{total['cerradas']} cerradas, {total['abiertas']} abiertas",
        },
        {
            "indicador": "Atendidas dentro de plazo",
            "valor": "—" if total["a_tiempo_pct"] is None else f"{total['a_tiempo_pct']} %",
            "detalle": "primera respuesta a más tardar en la fecha de vencimiento del tipo",
        },
        {
            "indicador": "Exactitud de canalización",
            "valor": "—" if canal["exactitud_pct"] is None else f"{canal['exactitud_pct']} %",
            "detalle": f"{canal['bien_canalizados']} de {canal['cerrados']} cerrados los cerró"
            " la primera unidad asignada",
        },
    ]


def abiertos(
    conn: Connection, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    """Datos abiertos: solo cuentas, medianas y porcentajes por tipo (nada de texto ni folio)."""
    return [
        {k: v for k, v in f.items() if k != "mediana_dias_resolucion"}
        for f in por_tipo(conn, centro_id, desde, hasta, zona)
    ]


_PROM = text(
    "SELECT c.slug, k.tipo, k.estado, count(*) AS n FROM buzon_caso k"
    " JOIN centro c ON c.id = k.centro_id GROUP BY c.slug, k.tipo, k.estado ORDER BY 1, 2, 3"
)


def prometheus(alm: Any) -> bytes:
    lineas = [
        "# HELP turnos_buzon_casos Casos del buzón ciudadano por tipo y estado.",
        "# TYPE turnos_buzon_casos gauge",
    ]
    with alm.lectura() as conn:
        for f in conn.execute(_PROM):
            lineas.append(
                f'turnos_buzon_casos{{centro="{f.slug}",tipo="{f.tipo}",estado="{f.estado}"}} {f.n}'
            )
    return ("\n".join(lineas) + "\n").encode()

"""Tablas de citas para los reportes de métricas, la evidencia MAS y los datos abiertos
(``TablaReporte``; métricas las lee sin conocer a citas por nombre).

Por trámite y día de la cita (fecha local del centro):
- agendadas: todas las citas con horario ese día (también las que luego se cancelaron);
- registradas: las que llegaron y se registraron (kiosco o recepción), sea cual sea su final;
- atendidas, canceladas, no_presentadas: su estado final (no presentada incluye a quien se
  registró pero no estaba cuando la llamaron);
- puntuales: registradas a la hora del horario o antes; llegada_prom_min: promedio de
  (registro − horario), negativo = llegó antes;
- espera_desde_cita_prom_min: promedio de (llamado − horario), contado desde la hora de la cita
  (0 si la llamaron antes de su hora), de las citas registradas que fueron llamadas.
Nada identifica a una persona: solo conteos y promedios.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

_CITAS = text(
    "SELECT ci.inicio_ms, ci.estado, ci.registrado_ms, tr.clave AS tramite, t.llamado_ms"
    " FROM cita ci JOIN tramite tr ON tr.id = ci.tramite_id"
    " LEFT JOIN turno t ON t.id = ci.turno_id"
    " WHERE ci.centro_id = :c AND ci.inicio_ms >= :desde AND ci.inicio_ms < :hasta"
)
CONTEOS = ("agendadas", "registradas", "atendidas", "canceladas", "no_presentadas")
_POR_ESTADO = {
    "atendida": "atendidas",
    "cancelada": "canceladas",
    "no_presentada": "no_presentadas",
}


def _limites(desde: date, hasta: date, zona: str) -> tuple[int, int]:
    z = ZoneInfo(zona)
    a = datetime.combine(desde, time(), z)
    b = datetime.combine(hasta + timedelta(days=1), time(), z)
    return int(a.timestamp() * 1000), int(b.timestamp() * 1000)


def _promedio_min(valores: list[int]) -> float | None:
    return round(sum(valores) / len(valores) / 60_000, 1) if valores else None


def _acumular(conn: Any, centro_id: int, desde: date, hasta: date, zona: str) -> dict[Any, Any]:
    a, b = _limites(desde, hasta, zona)
    z = ZoneInfo(zona)
    grupos: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {**dict.fromkeys(CONTEOS, 0), "puntuales": 0, "llegadas": [], "esperas": []}
    )
    for f in conn.execute(_CITAS, {"c": centro_id, "desde": a, "hasta": b}):
        dia = datetime.fromtimestamp(f.inicio_ms / 1000, z).date().isoformat()
        g = grupos[(dia, f.tramite)]
        g["agendadas"] += 1
        if f.estado in _POR_ESTADO:
            g[_POR_ESTADO[f.estado]] += 1
        if f.registrado_ms is not None:
            g["registradas"] += 1
            g["puntuales"] += f.registrado_ms <= f.inicio_ms
            g["llegadas"].append(f.registrado_ms - f.inicio_ms)
            if f.llamado_ms is not None:
                g["esperas"].append(max(0, f.llamado_ms - f.inicio_ms))
    return dict(sorted(grupos.items()))


def filas(conn: Any, centro_id: int, desde: date, hasta: date, zona: str) -> list[dict[str, Any]]:
    return [
        {
            "fecha": dia,
            "tramite": tramite,
            **{k: g[k] for k in CONTEOS},
            "puntuales": g["puntuales"],
            "llegada_prom_min": _promedio_min(g["llegadas"]),
            "espera_desde_cita_prom_min": _promedio_min(g["esperas"]),
        }
        for (dia, tramite), g in _acumular(conn, centro_id, desde, hasta, zona).items()
    ]


def datos_abiertos(
    conn: Any, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    """Solo conteos agregados por día y trámite."""
    return [
        {"fecha": f["fecha"], "tramite": f["tramite"], **{k: f[k] for k in CONTEOS}}
        for f in filas(conn, centro_id, desde, hasta, zona)
    ]


def _pct(n: int, d: int) -> str:
    return f"{round(100 * n / d)} %" if d else "sin datos"


def evidencia(
    conn: Any, centro_id: int, desde: date, hasta: date, zona: str
) -> list[dict[str, Any]]:
    """Filas para la hoja de evidencia MAS (citas en línea, Modernización y digitalización)."""
    grupos = _acumular(conn, centro_id, desde, hasta, zona).values()
    t = {k: sum(g[k] for g in grupos) for k in (*CONTEOS, "puntuales")}
    llegadas = [x for g in grupos for x in g["llegadas"]]
    esperas = [x for g in grupos for x in g["esperas"]]
    efectivas = t["agendadas"] - t["canceladas"]
    espera = _promedio_min(esperas)
    return [
        {
            "indicador": "Citas solicitadas en línea o por teléfono",
            "valor": str(t["agendadas"]),
            "detalle": (
                f"{t['atendidas']} atendidas, {t['no_presentadas']} no presentadas,"
                f" {t['canceladas']} canceladas"
            ),
        },
        {
            "indicador": "Inasistencia a citas",
            "valor": _pct(t["no_presentadas"], efectivas),
            "detalle": "de las citas no canceladas",
        },
        {
            "indicador": "Puntualidad de las citas",
            "valor": _pct(t["puntuales"], t["registradas"]),
            "detalle": (
                f"llegaron a su hora o antes; llegada promedio {_promedio_min(llegadas)} min"
                " respecto del horario"
                if llegadas
                else "sin registros de llegada"
            ),
        },
        {
            "indicador": "Espera desde la hora de la cita",
            "valor": "sin datos" if espera is None else f"{espera} min",
            "detalle": "promedio, hasta que la ventanilla llamó el turno de la cita",
        },
    ]

"""Alerta intradía (issue 13, punto 4): la espera prevista del último en la fila de cada trámite.

Es la misma estimación que recibe esa persona (`turnos.servicios.estimacion`): su P90 (el límite
alto del rango mostrado). Si rebasa la meta del trámite, hoy alguien esperará de más aunque la
fila aún no lo muestre: conviene abrir otra ventanilla. Una estimación por trámite con fila.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from turnos.servicios import estimacion

_ULTIMOS = text(
    "SELECT t.tramite_id, max(t.id) AS id FROM turno t JOIN (SELECT tramite_id,"
    " max(en_cola_ms) AS ms FROM turno WHERE centro_id = :c AND estado = 'en_espera'"
    " GROUP BY tramite_id) u ON u.tramite_id = t.tramite_id AND u.ms = t.en_cola_ms"
    " WHERE t.centro_id = :c AND t.estado = 'en_espera' GROUP BY t.tramite_id"
)


def p90_prevista(conn: Connection, centro_id: int, politica: Any, ms: int) -> dict[int, int]:
    """{id de trámite: P90 (s) de la espera prevista de su último turno}; sin estimación, nada."""
    previstas = {}
    for f in conn.execute(_ULTIMOS, {"c": centro_id}):
        est = estimacion.estimar_en_espera(conn, f.id, centro_id, f.tramite_id, ms, politica)
        if est.max_s is not None:
            previstas[f.tramite_id] = est.max_s
    return previstas

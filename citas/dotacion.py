"""Servicio «citas.reservadas_por_hora» para el consejo de dotación del núcleo (issue 13).

El núcleo no importa citas: lo pide por nombre (`turnos.kit.servicio`). Cuenta las citas de ese
día local del centro por hora de inicio y trámite, salvo las canceladas (una cita registrada,
atendida o no presentada también ocupó su lugar en la agenda). Solo conteos: ni nombres ni CURP.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from turnos.tiempo import a_ms, desde_ms

_ZONA = text("SELECT zona FROM centro WHERE id = :c")
_CITAS = text(
    "SELECT tramite_id, inicio_ms FROM cita WHERE centro_id = :c AND estado <> 'cancelada'"
    " AND inicio_ms >= :desde AND inicio_ms < :hasta"
)


def reservadas_por_hora(
    conn: Connection, centro_id: int, fecha: date
) -> dict[tuple[int, int], int]:
    """{(hora local, id de trámite): citas reservadas} del día `fecha` en el centro."""
    zona = conn.execute(_ZONA, {"c": centro_id}).scalar_one()
    z = ZoneInfo(zona)
    desde = a_ms(datetime.combine(fecha, time(), z))
    hasta = a_ms(datetime.combine(fecha + timedelta(days=1), time(), z))
    cuenta: dict[tuple[int, int], int] = defaultdict(int)
    for tid, ms in conn.execute(_CITAS, {"c": centro_id, "desde": desde, "hasta": hasta}):
        cuenta[(desde_ms(ms, zona).hour, tid)] += 1
    return dict(cuenta)

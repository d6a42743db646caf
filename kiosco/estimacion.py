"""Datos vivos para estimar la espera (ticket impreso y /t/{token}).

La fórmula es `kiosco.ticket.estimar_espera` (pura, documentada allí). Aquí solo se leen sus
entradas de la base:

- ventanillas abiertas (abierta o atendiendo) que atienden el trámite;
- tiempo medio de atención: promedio de las últimas `MUESTRA` atenciones terminadas del trámite
  en el centro (de `inicio_ms` a `fin_ms`); sin historia, la meta del protocolo
  (`atencion_maxima_min`), porque el primer turno del día también merece una estimación.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from kiosco.ticket import estimar_espera

MUESTRA = 20

_ABIERTAS = text(
    "SELECT count(*) FROM ventanilla v JOIN ventanilla_tramite vt ON vt.ventanilla_id = v.id"
    " WHERE vt.tramite_id = :t AND v.activo = true AND v.estado IN ('abierta', 'atendiendo')"
)
_RECIENTES = text(
    "SELECT fin_ms - inicio_ms FROM turno WHERE centro_id = :c AND tramite_id = :t"
    " AND inicio_ms IS NOT NULL AND fin_ms IS NOT NULL AND fin_ms >= inicio_ms"
    " ORDER BY fin_ms DESC LIMIT :n"
)
_META = text("SELECT atencion_maxima_min FROM tramite WHERE id = :t")


def atencion_media_s(conn: Connection, centro_id: int, tramite_id: int) -> float | None:
    duraciones = [
        int(d) for (d,) in conn.execute(_RECIENTES, {"c": centro_id, "t": tramite_id, "n": MUESTRA})
    ]
    if duraciones:
        return sum(duraciones) / len(duraciones) / 1000
    meta = conn.execute(_META, {"t": tramite_id}).scalar()
    return float(meta) * 60 if meta else None


def rango_espera(
    conn: Connection, centro_id: int, tramite_id: int, personas_delante: int
) -> tuple[int, int] | None:
    abiertas = int(conn.execute(_ABIERTAS, {"t": tramite_id}).scalar_one())
    return estimar_espera(personas_delante, abiertas, atencion_media_s(conn, centro_id, tramite_id))

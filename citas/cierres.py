"""Un día inhábil agregado después de agendar: las citas de ese día se listan y se avisan.

Cada cita afectada se cancela en su propia transacción (libera su lugar, evento
`cita_cancelada` con motivo `dia_inhabil`, correo `cierre` en la bandeja de salida con el .ics
cancelado (STATUS:CANCELLED) y el enlace para agendar otra). Idempotente: una cita ya cancelada
no se toca dos veces.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import text

from citas.correo import avisar
from turnos.db.almacen import Almacen
from turnos.servicios import consultas
from turnos.tiempo import a_ms, iso

_FUTURAS = text(
    "SELECT ci.id, ci.folio, ci.nombre, ci.correo, ci.inicio_ms, ci.tramite_id,"
    " tr.clave AS tramite, tr.nombre AS tramite_nombre FROM cita ci"
    " JOIN tramite tr ON tr.id = ci.tramite_id"
    " WHERE ci.centro_id = :c AND ci.estado = 'agendada' AND ci.inicio_ms >= :ms"
    " ORDER BY ci.inicio_ms, ci.folio"
)
_CANCELAR = text(
    "UPDATE cita SET estado = 'cancelada', secuencia = secuencia + 1, actualizado_ms = :ms"
    " WHERE id = :id AND estado = 'agendada'"
)
_LIBERAR = text(
    "UPDATE cita_cupo SET ocupados = ocupados - 1"
    " WHERE tramite_id = :t AND inicio_ms = :i AND ocupados > 0"
)


def _afectadas(conn: Any, c: Any, ms: int) -> list[Any]:
    zona, dias = ZoneInfo(c.zona), set(c.inhabiles)
    return [
        f
        for f in conn.execute(_FUTURAS, {"c": c.id, "ms": ms})
        if datetime.fromtimestamp(f.inicio_ms / 1000, UTC).astimezone(zona).date().isoformat()
        in dias
    ]


def afectadas(alm: Almacen, centro_slug: str, ahora: datetime) -> list[dict[str, Any]]:
    """Citas agendadas (aún por venir) que caen en un día inhábil del centro (para el personal)."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        return [
            {
                "folio": f.folio,
                "nombre": f.nombre,
                "tramite": f.tramite,
                "tramite_nombre": f.tramite_nombre,
                "inicio": iso(f.inicio_ms, c.zona),
                "con_correo": bool(f.correo),
            }
            for f in _afectadas(conn, c, a_ms(ahora))
        ]


def avisar_afectadas(
    alm: Almacen,
    centro_slug: str,
    ahora: datetime,
    url_base: str = "",
    usuario_id: int | None = None,
) -> list[str]:
    """Cancela y avisa cada cita afectada; devuelve sus folios."""
    ms = a_ms(ahora)
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        pendientes = _afectadas(conn, c, ms)
    avisadas = []
    for f in pendientes:
        with alm.transaccion() as tx:
            if tx.ejecutar(_CANCELAR, {"ms": ms, "id": f.id}).rowcount != 1:
                continue  # la canceló su titular u otro proceso mientras tanto
            tx.ejecutar(_LIBERAR, {"t": f.tramite_id, "i": f.inicio_ms})
            tx.evento(
                c.id,
                "cita_cancelada",
                ms,
                usuario_id=usuario_id,
                datos={
                    "folio": f.folio,
                    "tramite": f.tramite,
                    "inicio_ms": f.inicio_ms,
                    "motivo": "dia_inhabil",
                },
                publico={"cita": {"tramite": f.tramite, "estado": "cancelada"}},
            )
            otra = f"{url_base}/citas?" + urlencode({"centro": c.slug, "tramite": f.tramite})
            avisar(tx, c, f.id, "cierre", otra, ahora)
        avisadas.append(f.folio)
    return avisadas

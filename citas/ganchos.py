"""Ganchos de la costura: la cita sigue a su turno.

- ``al_cerrar``: en la MISMA transacción en que la ventanilla cierra el turno, la cita registrada
  pasa a ``atendida`` (turno atendido) o a ``no_presentada`` (llamado y ausente), con su evento.
- ``al_reabrir``: si la ventanilla reincorpora ese turno ausente (dentro de la ventana del
  centro), la cita que el cierre marcó ``no_presentada`` vuelve a ``registrada``, con su evento:
  el turno sigue en la fila y la cita se cerrará de nuevo cuando el turno se cierre.
- ``vista``: el folio y la hora de la cita en la vista pública del turno (/t/{token}).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from citas.estados import AccionCita, EstadoCita, transicion
from turnos.capacidades import CierreTurno, ReaperturaTurno
from turnos.tiempo import iso

_CERRAR = text(
    "UPDATE cita SET estado = :nuevo, actualizado_ms = :ms"
    " WHERE turno_id = :t AND estado = 'registrada' RETURNING id, folio, inicio_ms"
)
_SEGUN_TURNO = {
    "atendido": (AccionCita.ATENDER, "cita_atendida"),
    "ausente": (AccionCita.NO_PRESENTAR, "cita_no_presentada"),
}


def al_cerrar(tx: Any, cierre: CierreTurno) -> None:
    if cierre.clase != "cita" or cierre.estado not in _SEGUN_TURNO:
        return
    accion, tipo = _SEGUN_TURNO[cierre.estado]
    nuevo = transicion(EstadoCita.REGISTRADA, accion)
    f = tx.ejecutar(
        _CERRAR, {"nuevo": nuevo.value, "ms": cierre.fin_ms, "t": cierre.turno_id}
    ).first()
    if f is None:  # turno de cita sin cita registrada (p. ej. ya cerrada): nada que hacer
        return
    tx.evento(
        cierre.centro_id,
        tipo,
        cierre.fin_ms,
        turno_id=cierre.turno_id,
        ventanilla_id=cierre.ventanilla_id,
        usuario_id=cierre.usuario_id,
        datos={
            "folio": f.folio,
            "tramite": cierre.tramite_clave,
            "inicio_ms": f.inicio_ms,
            "motivo": f"turno_{cierre.estado}",
        },
        publico={"cita": {"tramite": cierre.tramite_clave, "estado": nuevo.value}},
    )


_REABRIR = text(
    "UPDATE cita SET estado = :nuevo, actualizado_ms = :ms"
    " WHERE turno_id = :t AND estado = :antes RETURNING id, folio, inicio_ms"
)


def al_reabrir(tx: Any, r: ReaperturaTurno) -> None:
    if r.estado_previo != "ausente":
        return
    antes = EstadoCita.NO_PRESENTADA
    nuevo = transicion(antes, AccionCita.REINCORPORAR)
    f = tx.ejecutar(
        _REABRIR, {"nuevo": nuevo.value, "ms": r.ms, "t": r.turno_id, "antes": antes.value}
    ).first()
    if f is None:  # turno sin cita (o su cita no la cerró este turno): nada que deshacer
        return
    tx.evento(
        r.centro_id,
        "cita_reincorporada",
        r.ms,
        turno_id=r.turno_id,
        ventanilla_id=r.ventanilla_id,
        usuario_id=r.usuario_id,
        datos={"folio": f.folio, "tramite": r.tramite_clave, "inicio_ms": f.inicio_ms},
        publico={"cita": {"tramite": r.tramite_clave, "estado": nuevo.value}},
    )


_DE_TURNO = text(
    "SELECT ci.folio, ci.inicio_ms, ci.estado, c.zona FROM cita ci"
    " JOIN centro c ON c.id = ci.centro_id WHERE ci.turno_id = :t"
)


def vista(conn: Any, turno_id: int, estado: str) -> dict[str, Any]:
    f = conn.execute(_DE_TURNO, {"t": turno_id}).first()
    if f is None:
        return {}
    return {"cita": {"folio": f.folio, "inicio": iso(f.inicio_ms, f.zona), "estado": f.estado}}

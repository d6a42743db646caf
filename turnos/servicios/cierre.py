"""Cierre del día: los turnos que quedaron pendientes se marcan expirados (nunca se borran)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text

from turnos.db.almacen import Almacen
from turnos.dominio.numeracion import dia_local
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import consultas
from turnos.servicios.vistas import evento_publico, turno_evento
from turnos.tiempo import a_ms

_PENDIENTES = text(
    "SELECT t.*, tr.clave AS tramite_clave, tr.nombre AS tramite_nombre FROM turno t"
    " JOIN tramite tr ON tr.id = t.tramite_id WHERE t.centro_id = :c AND t.dia <= :dia"
    " AND t.estado IN ('en_espera', 'llamado', 'en_atencion') ORDER BY t.id"
)


def cerrar_dia(
    alm: Almacen, centro_slug: str, actor: Actor | None, ahora: datetime, *, sistema: bool = False
) -> dict[str, Any]:
    """Expira los turnos pendientes hasta hoy y cierra las ventanillas. `sistema`: CLI/temporizador."""
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        if not sistema:
            exigir(actor, Permiso.CIERRE, c.id)
        dia = dia_local(ahora, c.zona).isoformat()
        pendientes = tx.ejecutar(_PENDIENTES, {"c": c.id, "dia": dia}).all()
        for t in pendientes:
            tx.ejecutar(
                text("UPDATE turno SET estado = 'expirado', fin_ms = :ms WHERE id = :id"),
                {"ms": ms, "id": t.id},
            )
            tx.evento(
                c.id,
                "turno_expirado",
                ms,
                turno_id=t.id,
                ventanilla_id=t.ventanilla_id,
                datos={"folio": t.folio, "estado_previo": t.estado},
                publico=evento_publico(
                    c, ms, turno=turno_evento(t, t.tramite_clave, t.tramite_nombre, "expirado")
                ),
            )
        tx.ejecutar(text("UPDATE espera SET n = 0 WHERE centro_id = :c"), {"c": c.id})
        cerradas = tx.ejecutar(
            text(
                "UPDATE ventanilla SET estado = 'cerrada', usuario_id = NULL, motivo_pausa = ''"
                " WHERE centro_id = :c AND estado <> 'cerrada'"
            ),
            {"c": c.id},
        ).rowcount
        tx.evento(
            c.id,
            "cierre_dia",
            ms,
            usuario_id=actor.usuario_id if actor else None,
            datos={"dia": dia, "expirados": len(pendientes), "ventanillas_cerradas": cerradas},
            publico=evento_publico(
                c,
                ms,
                cola={
                    clave: 0
                    for (clave,) in tx.ejecutar(
                        text("SELECT clave FROM tramite WHERE centro_id = :c"), {"c": c.id}
                    )
                },
            ),
        )
    return {"dia": dia, "expirados": len(pendientes), "ventanillas_cerradas": cerradas}

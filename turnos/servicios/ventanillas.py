"""Abrir, pausar y cerrar una ventanilla."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text

from turnos.db.almacen import Almacen
from turnos.errores import Conflicto, EntradaInvalida
from turnos.permisos import Actor
from turnos.servicios.atencion import _contexto, turno_actual
from turnos.servicios.vistas import evento_publico, ventanilla_evento
from turnos.tiempo import a_ms

_TIPOS = {
    "abierta": "ventanilla_abierta",
    "en_pausa": "ventanilla_pausada",
    "cerrada": "ventanilla_cerrada",
}


def cambiar_estado(
    alm: Almacen,
    centro_slug: str,
    numero: int,
    estado: str,
    actor: Actor | None,
    ahora: datetime,
    motivo: str = "",
) -> dict[str, Any]:
    """estado: abierta | en_pausa | cerrada. Pausar y cerrar exigen no tener turno en curso."""
    ms = a_ms(ahora)
    motivo = motivo.strip()[:200]
    with alm.transaccion() as tx:
        c, v = _contexto(tx, centro_slug, numero, actor)
        assert actor is not None
        actual = turno_actual(tx.conn, v.id)
        if estado == "abierta":
            if actor.usuario_id is None:
                raise EntradaInvalida("Solo una persona del personal puede abrir una ventanilla.")
            nuevo, usuario = ("atendiendo" if actual else "abierta"), actor.usuario_id
        else:
            if actual is not None:
                raise Conflicto(
                    f"La ventanilla {numero} tiene un turno en curso; finalícelo antes de "
                    f"{'pausar' if estado == 'en_pausa' else 'cerrar'}."
                )
            if estado == "en_pausa" and not motivo:
                raise EntradaInvalida(
                    "Indique el motivo de la pausa (p. ej. comida, capacitación)."
                )
            nuevo, usuario = estado, (v.usuario_id if estado == "en_pausa" else None)
        tx.ejecutar(
            text(
                "UPDATE ventanilla SET estado = :e, usuario_id = :u, motivo_pausa = :m WHERE id = :v"
            ),
            {"e": nuevo, "u": usuario, "m": motivo if estado == "en_pausa" else "", "v": v.id},
        )
        tx.evento(
            c.id,
            _TIPOS[estado],
            ms,
            ventanilla_id=v.id,
            usuario_id=actor.usuario_id,
            datos={"ventanilla": v.numero, "motivo": motivo}
            if motivo
            else {"ventanilla": v.numero},
            publico=evento_publico(c, ms, ventanilla={**ventanilla_evento(v), "estado": nuevo}),
        )
    return {"numero": v.numero, "nombre": v.nombre, "estado": nuevo, "motivo_pausa": motivo}

"""Abrir, pausar, cerrar y liberar una ventanilla (por la máquina de estados del dominio)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from turnos.db.almacen import Almacen, Tx
from turnos.dominio.estados import EVENTOS_VENTANILLA, AccionVentanilla, EstadoVentanilla
from turnos.errores import Conflicto, EntradaInvalida
from turnos.permisos import Actor, Permiso
from turnos.servicios.atencion import Puesto, puesto
from turnos.servicios.consultas import VentanillaInfo
from turnos.servicios.transiciones import mover_ventanilla
from turnos.servicios.vistas import evento_publico, ventanilla_evento
from turnos.tiempo import a_ms

_V = EstadoVentanilla
# Estado pedido por la API/página → acción del dominio.
_ACCIONES = {
    _V.ABIERTA.value: AccionVentanilla.ABRIR,
    _V.EN_PAUSA.value: AccionVentanilla.PAUSAR,
    _V.CERRADA.value: AccionVentanilla.CERRAR,
}


def _sin_turno(tx: Tx, p: Puesto, verbo: str) -> None:
    if p.actual is not None:
        raise Conflicto(
            f"La ventanilla {p.ventanilla.numero} tiene un turno en curso; finalícelo antes de "
            f"{verbo}."
        )


def _resultado(v: VentanillaInfo, estado: str, motivo: str, **extra: Any) -> dict[str, Any]:
    return {
        "numero": v.numero,
        "nombre": v.nombre,
        "estado": estado,
        "motivo_pausa": motivo,
        **extra,
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
    """estado: abierta | en_pausa | cerrada. Pausar y cerrar exigen no tener turno en curso.

    Solo quien la tiene (o nadie) la abre, pausa o cierra; la de otra persona la libera un jefe.
    Abrir la que ya tiene abierta es «continuar»: no registra otro `ventanilla_abierta`.
    """
    accion = _ACCIONES.get(estado)
    if accion is None:
        raise EntradaInvalida(
            f"«{estado[:20]}» no es un estado de ventanilla; use abierta, en_pausa o cerrada."
        )
    ms = a_ms(ahora)
    motivo = motivo.strip()[:200]
    with alm.transaccion() as tx:
        p = puesto(tx, centro_slug, numero, actor)
        c, v, quien = p.centro, p.ventanilla, p.actor
        if v.usuario_id is not None and v.usuario_id != quien.usuario_id:
            raise Conflicto(
                f"La ventanilla {numero} la tiene abierta otra persona; un jefe puede liberarla "
                "indicando el motivo.",
                "ventanilla_ocupada",
            )
        if accion is AccionVentanilla.ABRIR:
            if quien.usuario_id is None:
                raise EntradaInvalida("Solo una persona del personal puede abrir una ventanilla.")
            if v.estado in (_V.ABIERTA, _V.ATENDIENDO):
                return _resultado(v, v.estado, "", continuar=True)
            usuario, motivo = quien.usuario_id, ""
        else:
            _sin_turno(tx, p, "pausar" if accion is AccionVentanilla.PAUSAR else "cerrar")
            if accion is AccionVentanilla.PAUSAR and not motivo:
                raise EntradaInvalida(
                    "Indique el motivo de la pausa (p. ej. comida, capacitación)."
                )
            if accion is AccionVentanilla.CERRAR:
                usuario, motivo = None, ""
            else:
                usuario = v.usuario_id
        nuevo = mover_ventanilla(
            tx, v.id, v.estado, accion, "usuario_id = :u, motivo_pausa = :m", u=usuario, m=motivo
        )
        tx.evento(
            c.id,
            EVENTOS_VENTANILLA[accion],
            ms,
            ventanilla_id=v.id,
            usuario_id=quien.usuario_id,
            datos={"ventanilla": v.numero, "motivo": motivo}
            if motivo
            else {"ventanilla": v.numero},
            publico=evento_publico(
                c, ms, ventanilla={**ventanilla_evento(v), "estado": nuevo.value}
            ),
        )
    return _resultado(v, nuevo.value, motivo)


def liberar(
    alm: Almacen,
    centro_slug: str,
    numero: int,
    actor: Actor | None,
    ahora: datetime,
    motivo: str,
) -> dict[str, Any]:
    """Jefe o admin: deja cerrada y sin persona una ventanilla que otra persona dejó abierta (p. ej.
    su navegador murió). El motivo queda en la bitácora."""
    ms = a_ms(ahora)
    motivo = motivo.strip()[:200]
    if not motivo:
        raise EntradaInvalida("Indique el motivo para liberar la ventanilla.")
    with alm.transaccion() as tx:
        p = puesto(tx, centro_slug, numero, actor, Permiso.OPERAR_CUALQUIERA)
        c, v = p.centro, p.ventanilla
        _sin_turno(tx, p, "liberarla (o márquelo ausente)")
        accion = AccionVentanilla.LIBERAR
        nuevo = mover_ventanilla(tx, v.id, v.estado, accion, "usuario_id = NULL, motivo_pausa = ''")
        tx.evento(
            c.id,
            EVENTOS_VENTANILLA[accion],
            ms,
            ventanilla_id=v.id,
            usuario_id=p.actor.usuario_id,
            datos={"ventanilla": v.numero, "motivo": motivo, "usuario_previo": v.usuario_id},
            publico=evento_publico(
                c, ms, ventanilla={**ventanilla_evento(v), "estado": nuevo.value}
            ),
        )
    return _resultado(v, nuevo.value, "")

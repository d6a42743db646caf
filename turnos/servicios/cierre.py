"""Cierre del día: los turnos que quedaron pendientes se expiran (nunca se borran); los que
estaban en atención se finalizan (docs/KPIS.md); las ventanillas se cierran."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, text

from turnos.db.almacen import Almacen
from turnos.dominio.estados import EVENTOS, Accion, AccionVentanilla, EstadoTurno, EstadoVentanilla
from turnos.dominio.horario import abierto, texto_horario
from turnos.dominio.numeracion import dia_local
from turnos.errores import Conflicto
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import consultas
from turnos.servicios.transiciones import (
    ACTIVOS,
    bloquear_ventanillas,
    mover_turno,
    mover_ventanilla,
)
from turnos.servicios.vistas import evento_publico, turno_evento
from turnos.tiempo import a_ms

_PENDIENTES = text(
    consultas.SELECT_TURNO + " WHERE t.centro_id = :c AND t.dia <= :dia"
    " AND t.estado IN :pendientes ORDER BY t.id"
).bindparams(bindparam("pendientes", [EstadoTurno.EN_ESPERA.value, *ACTIVOS], expanding=True))

# En atención → finalizado (la persona sí fue atendida); lo demás → expirado.
_ACCION = {EstadoTurno.EN_ATENCION: Accion.FINALIZAR}
_ASIGNAR = {
    Accion.FINALIZAR: "inicio_ms = COALESCE(inicio_ms, llamado_ms), fin_ms = :ms",
    Accion.EXPIRAR: "fin_ms = :ms",
}


def aviso_abierto(c: consultas.CentroInfo, ahora: datetime) -> str | None:
    """Texto de aviso si, según su horario, el centro sigue atendiendo."""
    if not abierto(c.horario, c.inhabiles, ahora.astimezone(ZoneInfo(c.zona))):
        return None
    return (
        f"El centro sigue abierto según su horario ({texto_horario(c.horario)}): el cierre "
        "expira a quienes esperan y cierra las ventanillas."
    )


def cerrar_dia(
    alm: Almacen,
    centro_slug: str,
    actor: Actor | None,
    ahora: datetime,
    *,
    sistema: bool = False,
    forzar: bool = False,
) -> dict[str, Any]:
    """Expira los pendientes hasta hoy, finaliza los que estaban en atención y cierra las
    ventanillas. `sistema`: CLI/temporizador (avisa en vez de pedir confirmación).

    Con el centro abierto según su horario, 409 `centro_abierto` salvo `forzar`."""
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        if not sistema:
            exigir(actor, Permiso.CIERRE, c.id)
        aviso = aviso_abierto(c, ahora)
        if aviso and not (sistema or forzar):
            raise Conflicto(
                f"{aviso} Confirme con «forzar» para cerrar de todos modos.", "centro_abierto"
            )
        dia = dia_local(ahora, c.zona).isoformat()
        vents = bloquear_ventanillas(tx, c.id)  # orden de bloqueo: ventanillas → turnos
        numeros: dict[int | None, int] = {v.id: v.numero for v in vents}
        cuenta = {Accion.EXPIRAR: 0, Accion.FINALIZAR: 0}
        pendientes = tx.ejecutar(_PENDIENTES, {"c": c.id, "dia": dia}).all()
        for t in map(consultas.TurnoInfo.de_fila, pendientes):
            accion = _ACCION.get(EstadoTurno(t.estado), Accion.EXPIRAR)
            nuevo = mover_turno(tx, t.id, t.estado, accion, _ASIGNAR[accion], ms=ms)
            cuenta[accion] += 1
            datos: dict[str, Any] = {"folio": t.folio, "estado_previo": t.estado}
            if accion is Accion.FINALIZAR:
                datos.update(
                    tramite=t.tramite_clave,
                    ventanilla=numeros.get(t.ventanilla_id),
                    por_cierre=True,
                )
            tx.evento(
                c.id,
                EVENTOS[accion],
                ms,
                turno_id=t.id,
                ventanilla_id=t.ventanilla_id,
                usuario_id=t.usuario_id if accion is Accion.FINALIZAR else None,
                datos=datos,
                publico=evento_publico(
                    c, ms, turno=turno_evento(t, t.tramite_clave, t.tramite_nombre, nuevo.value)
                ),
            )
        tx.ejecutar(text("UPDATE espera SET n = 0 WHERE centro_id = :c"), {"c": c.id})
        cerradas = 0
        for v in vents:
            if v.estado != EstadoVentanilla.CERRADA:
                mover_ventanilla(
                    tx,
                    v.id,
                    v.estado,
                    AccionVentanilla.CIERRE_DIA,
                    "usuario_id = NULL, motivo_pausa = ''",
                )
                cerradas += 1
        resultado: dict[str, Any] = {
            "dia": dia,
            "expirados": cuenta[Accion.EXPIRAR],
            "finalizados": cuenta[Accion.FINALIZAR],
            "ventanillas_cerradas": cerradas,
        }
        tx.evento(
            c.id,
            "cierre_dia",
            ms,
            usuario_id=actor.usuario_id if actor else None,
            datos=dict(resultado, **({"centro_abierto": True} if aviso else {})),
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
    return {**resultado, "aviso": aviso} if aviso else resultado

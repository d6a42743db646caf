"""Los únicos UPDATE de estado de turnos y ventanillas.

Cada cambio pasa por la máquina de estados del dominio (`turnos/dominio/estados.py`) y su UPDATE
lleva `AND estado = :antes`: si otra transacción lo cambió primero, 409 claro y nada se registra
(nunca un evento de un cambio que no ocurrió). Orden de bloqueo único (docs/ARCHITECTURE.md):
ventanilla(s), por id → turno → espera → cadena de la bitácora.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, bindparam, text

from turnos.db.almacen import Tx
from turnos.dominio.estados import (
    ACTIVOS_EN_VENTANILLA,
    Accion,
    AccionVentanilla,
    EstadoTurno,
    EstadoVentanilla,
    transicion,
    transicion_ventanilla,
)
from turnos.errores import Conflicto
from turnos.servicios import consultas
from turnos.servicios.consultas import COLUMNAS_VENTANILLA, TurnoInfo, VentanillaInfo

# Para consultas que buscan el turno que ocupa una ventanilla.
ACTIVOS = sorted(e.value for e in ACTIVOS_EN_VENTANILLA)
_ACTIVOS_PARAM: BindParameter[list[str]] = bindparam("activos", value=ACTIVOS, expanding=True)


def con_activos(sql: str) -> Any:
    """`text(sql)` con `:activos` = los estados que ocupan una ventanilla."""
    return text(sql).bindparams(_ACTIVOS_PARAM)


def _guardado(
    tx: Tx, tabla: str, fila: int, antes: str, despues: str, asignar: str, conflicto: str, **p: Any
) -> None:
    """UPDATE de estado guardado por el estado esperado; 409 si otra transacción ganó."""
    extra = f", {asignar}" if asignar else ""
    r = tx.ejecutar(
        text(f"UPDATE {tabla} SET estado = :despues{extra} WHERE id = :id AND estado = :antes"),
        {**p, "despues": despues, "id": fila, "antes": antes},
    )
    if r.rowcount != 1:
        raise Conflicto(conflicto, "cambio_concurrente")


def mover_turno(
    tx: Tx,
    turno_id: int,
    antes: EstadoTurno | str,
    accion: Accion,
    asignar: str = "",
    *,
    conflicto: str = "El turno cambió mientras se hacía esta acción; intente de nuevo.",
    **params: Any,
) -> EstadoTurno:
    """Aplica `accion` al turno si sigue en `antes`; `asignar`: columnas extra del mismo UPDATE."""
    nuevo = transicion(EstadoTurno(antes), accion)
    _guardado(tx, "turno", turno_id, antes, nuevo.value, asignar, conflicto, **params)
    return nuevo


_RELEER: dict[str, Any] = {}  # el UPDATE … RETURNING compilado, por `asignar`


def mover_y_leer_turno(
    tx: Tx,
    turno_id: int,
    antes: EstadoTurno | str,
    accion: Accion,
    asignar: str = "",
    *,
    conflicto: str = "El turno cambió mientras se hacía esta acción; intente de nuevo.",
    **params: Any,
) -> TurnoInfo:
    """`mover_turno` que devuelve el turno ya movido (UPDATE … RETURNING, sin releerlo)."""
    nuevo = transicion(EstadoTurno(antes), accion)
    sql = _RELEER.get(asignar)
    if sql is None:
        extra = f", {asignar}" if asignar else ""
        sql = _RELEER[asignar] = text(
            f"UPDATE turno SET estado = :despues{extra} WHERE id = :id AND estado = :antes"
            f" RETURNING {consultas.COLUMNAS_TURNO}"
        )
    f = tx.ejecutar(sql, {**params, "despues": nuevo.value, "id": turno_id, "antes": antes}).first()
    if f is None:
        raise Conflicto(conflicto, "cambio_concurrente")
    return consultas.turno_con_tramite(f, consultas.tramite_por_id_en(tx, f.tramite_id))


def mover_ventanilla(
    tx: Tx,
    ventanilla_id: int,
    antes: EstadoVentanilla | str,
    accion: AccionVentanilla,
    asignar: str = "",
    **params: Any,
) -> EstadoVentanilla:
    """Aplica `accion` a la ventanilla si sigue en `antes` (la transacción ya la bloqueó)."""
    nuevo = transicion_ventanilla(EstadoVentanilla(antes), accion)
    conflicto = "La ventanilla cambió mientras se hacía esta acción; intente de nuevo."
    _guardado(tx, "ventanilla", ventanilla_id, antes, nuevo.value, asignar, conflicto, **params)
    return nuevo


def bloquear_ventanilla(tx: Tx, ventanilla_id: int) -> VentanillaInfo:
    """La ventanilla, bloqueada hasta el fin de la transacción (primer paso del orden de bloqueo)."""
    sql = f"SELECT {COLUMNAS_VENTANILLA} FROM ventanilla WHERE id = :v"
    f = tx.ejecutar(text(sql + (" FOR UPDATE" if tx.es_pg else "")), {"v": ventanilla_id}).one()
    return VentanillaInfo.de_fila(f)


def bloquear_ventanillas(tx: Tx, centro_id: int) -> list[VentanillaInfo]:
    """Todas las ventanillas del centro, bloqueadas en orden de id (el cierre del día)."""
    sql = f"SELECT {COLUMNAS_VENTANILLA} FROM ventanilla WHERE centro_id = :c ORDER BY id"
    filas = tx.ejecutar(text(sql + (" FOR UPDATE" if tx.es_pg else "")), {"c": centro_id})
    return [VentanillaInfo.de_fila(f) for f in filas]

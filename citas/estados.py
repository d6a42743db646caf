"""Estados de una cita y la ventana de registro en el kiosco (puro)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from turnos.errores import Conflicto


class EstadoCita(StrEnum):
    AGENDADA = "agendada"
    REGISTRADA = "registrada"  # llegó y se registró en el kiosco: ya es un turno
    ATENDIDA = "atendida"
    NO_PRESENTADA = "no_presentada"
    CANCELADA = "cancelada"


class AccionCita(StrEnum):
    REPROGRAMAR = "reprogramar"
    CANCELAR = "cancelar"
    REGISTRAR = "registrar"
    ATENDER = "atender"
    NO_PRESENTAR = "no_presentar"
    REINCORPORAR = "reincorporar"  # la ventanilla deshizo el «no se presentó» de su turno


_E, _A = EstadoCita, AccionCita
_TRANSICIONES: dict[tuple[EstadoCita, AccionCita], EstadoCita] = {
    (_E.AGENDADA, _A.REPROGRAMAR): _E.AGENDADA,
    (_E.AGENDADA, _A.CANCELAR): _E.CANCELADA,
    (_E.AGENDADA, _A.REGISTRAR): _E.REGISTRADA,
    (_E.AGENDADA, _A.NO_PRESENTAR): _E.NO_PRESENTADA,
    (_E.REGISTRADA, _A.ATENDER): _E.ATENDIDA,
    # llegó y se registró, pero no estaba cuando la llamaron (turno ausente)
    (_E.REGISTRADA, _A.NO_PRESENTAR): _E.NO_PRESENTADA,
    # …y llegó a tiempo de que la ventanilla lo reincorporara (dentro de la ventana del centro)
    (_E.NO_PRESENTADA, _A.REINCORPORAR): _E.REGISTRADA,
}

_MENSAJES = {
    _E.REGISTRADA: ("cita_registrada", "Esta cita ya se registró; su turno ya está en la fila."),
    _E.ATENDIDA: ("cita_registrada", "Esta cita ya se atendió."),
    _E.CANCELADA: ("cita_cancelada", "Esta cita está cancelada."),
    _E.NO_PRESENTADA: ("cita_vencida", "Esta cita ya pasó y no se registró a tiempo."),
}


def transicion(estado: EstadoCita, accion: AccionCita) -> EstadoCita:
    nuevo = _TRANSICIONES.get((estado, accion))
    if nuevo is None:
        codigo, mensaje = _MENSAJES.get(
            estado, ("transicion_invalida", "La cita no admite ese cambio.")
        )
        raise Conflicto(mensaje, codigo)
    return nuevo


class Llegada(StrEnum):
    TEMPRANA = "temprana"
    A_TIEMPO = "a_tiempo"
    TARDE = "tarde"


def llegada(inicio: datetime, ahora: datetime, antes_min: int, despues_min: int) -> Llegada:
    """Ventana de registro: desde `antes_min` antes del horario hasta `despues_min` después."""
    if ahora < inicio - timedelta(minutes=antes_min):
        return Llegada.TEMPRANA
    if ahora > inicio + timedelta(minutes=despues_min):
        return Llegada.TARDE
    return Llegada.A_TIEMPO


def vencida(inicio: datetime, ahora: datetime, despues_min: int) -> bool:
    """Ya no puede registrarse: pasa a no_presentada (proceso del día)."""
    return ahora > inicio + timedelta(minutes=despues_min)

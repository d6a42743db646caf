"""Estados del turno y de la ventanilla, y las transiciones permitidas."""

from __future__ import annotations

from enum import StrEnum

from turnos.errores import TransicionInvalida


class Clase(StrEnum):
    GENERAL = "general"
    PREFERENTE = "preferente"
    CITA = "cita"


class Origen(StrEnum):
    KIOSCO = "kiosco"
    CITA = "cita"
    WEB = "web"
    RECEPCION = "recepcion"


class EstadoTurno(StrEnum):
    EN_ESPERA = "en_espera"
    LLAMADO = "llamado"
    EN_ATENCION = "en_atencion"
    ATENDIDO = "atendido"
    AUSENTE = "ausente"
    CANCELADO = "cancelado"
    TRANSFERIDO = "transferido"
    EXPIRADO = "expirado"


class EstadoVentanilla(StrEnum):
    CERRADA = "cerrada"
    ABIERTA = "abierta"
    EN_PAUSA = "en_pausa"
    ATENDIENDO = "atendiendo"


class Accion(StrEnum):
    LLAMAR = "llamar"
    RELLAMAR = "rellamar"
    INICIAR = "iniciar"
    FINALIZAR = "finalizar"
    AUSENTE = "ausente"
    TRANSFERIR = "transferir"
    CANCELAR = "cancelar"
    EXPIRAR = "expirar"


FINALES = frozenset(
    {
        EstadoTurno.ATENDIDO,
        EstadoTurno.AUSENTE,
        EstadoTurno.CANCELADO,
        EstadoTurno.TRANSFERIDO,
        EstadoTurno.EXPIRADO,
    }
)
ACTIVOS_EN_VENTANILLA = frozenset({EstadoTurno.LLAMADO, EstadoTurno.EN_ATENCION})

_E = EstadoTurno
TRANSICIONES: dict[tuple[EstadoTurno, Accion], EstadoTurno] = {
    (_E.EN_ESPERA, Accion.LLAMAR): _E.LLAMADO,
    (_E.EN_ESPERA, Accion.CANCELAR): _E.CANCELADO,
    (_E.EN_ESPERA, Accion.EXPIRAR): _E.EXPIRADO,
    (_E.LLAMADO, Accion.RELLAMAR): _E.LLAMADO,
    (_E.LLAMADO, Accion.INICIAR): _E.EN_ATENCION,
    (_E.LLAMADO, Accion.AUSENTE): _E.AUSENTE,
    (_E.LLAMADO, Accion.CANCELAR): _E.CANCELADO,
    (_E.LLAMADO, Accion.EXPIRAR): _E.EXPIRADO,
    # Finalizar sin "iniciar" explícito: la atención empieza al llamar (personal con prisa).
    (_E.LLAMADO, Accion.FINALIZAR): _E.ATENDIDO,
    (_E.LLAMADO, Accion.TRANSFERIR): _E.TRANSFERIDO,
    (_E.EN_ATENCION, Accion.FINALIZAR): _E.ATENDIDO,
    (_E.EN_ATENCION, Accion.TRANSFERIR): _E.TRANSFERIDO,
    (_E.EN_ATENCION, Accion.EXPIRAR): _E.EXPIRADO,
}

_NOMBRES = {
    _E.EN_ESPERA: "en espera",
    _E.LLAMADO: "llamado",
    _E.EN_ATENCION: "en atención",
    _E.ATENDIDO: "atendido",
    _E.AUSENTE: "ausente",
    _E.CANCELADO: "cancelado",
    _E.TRANSFERIDO: "transferido",
    _E.EXPIRADO: "expirado",
}


def nombre_estado(estado: EstadoTurno) -> str:
    return _NOMBRES[estado]


def transicion(estado: EstadoTurno, accion: Accion) -> EstadoTurno:
    """El estado al que lleva `accion`, o TransicionInvalida (409) con un mensaje claro."""
    try:
        return TRANSICIONES[(estado, accion)]
    except KeyError:
        raise TransicionInvalida(
            f"No se puede {accion.value} un turno que está {nombre_estado(estado)}."
        ) from None

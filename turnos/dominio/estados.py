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
    # Deshacer «no se presentó» dentro de la ventana del centro (servicios/ausencia.py).
    REINCORPORAR = "reincorporar"


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
    # Ausente es final salvo esta salida: deshacerlo dentro de la ventana de reincorporación del
    # centro (el servicio la exige; pasada la ventana la ausencia es definitiva).
    (_E.AUSENTE, Accion.REINCORPORAR): _E.EN_ESPERA,
    # Un turno en atención no expira: el cierre del día lo finaliza (docs/KPIS.md).
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


def activo(estado: EstadoTurno | str) -> bool:
    """El turno ocupa su ventanilla (llamado o en atención)."""
    return estado in ACTIVOS_EN_VENTANILLA


def transicion(estado: EstadoTurno, accion: Accion) -> EstadoTurno:
    """El estado al que lleva `accion`, o TransicionInvalida (409) con un mensaje claro."""
    try:
        return TRANSICIONES[(estado, accion)]
    except KeyError:
        raise TransicionInvalida(
            f"No se puede {accion.value} un turno que está {nombre_estado(estado)}."
        ) from None


# Cada acción sobre el turno, en la bitácora (el evento que la registra).
EVENTOS: dict[Accion, str] = {
    Accion.LLAMAR: "turno_llamado",
    Accion.RELLAMAR: "turno_rellamado",
    Accion.INICIAR: "turno_iniciado",
    Accion.FINALIZAR: "turno_finalizado",
    Accion.AUSENTE: "turno_ausente",
    Accion.TRANSFERIR: "turno_transferido",
    Accion.CANCELAR: "turno_cancelado",
    Accion.EXPIRAR: "turno_expirado",
    Accion.REINCORPORAR: "turno_reincorporado",
}


class AccionVentanilla(StrEnum):
    ABRIR = "abrir"  # también reanudar una pausa
    PAUSAR = "pausar"
    CERRAR = "cerrar"
    LIBERAR = "liberar"  # jefe/admin: la deja cerrada y sin persona (p. ej. navegador caído)
    OCUPAR = "ocupar"  # llamó un turno
    DESOCUPAR = "desocupar"  # su turno terminó (finalizado, ausente, transferido, cancelado)
    CIERRE_DIA = "cierre_dia"


_V = EstadoVentanilla
_AV = AccionVentanilla
TRANSICIONES_VENTANILLA: dict[tuple[EstadoVentanilla, AccionVentanilla], EstadoVentanilla] = {
    (_V.CERRADA, _AV.ABRIR): _V.ABIERTA,
    (_V.EN_PAUSA, _AV.ABRIR): _V.ABIERTA,
    (_V.ABIERTA, _AV.PAUSAR): _V.EN_PAUSA,
    (_V.ABIERTA, _AV.CERRAR): _V.CERRADA,
    (_V.EN_PAUSA, _AV.CERRAR): _V.CERRADA,
    (_V.ABIERTA, _AV.LIBERAR): _V.CERRADA,
    (_V.EN_PAUSA, _AV.LIBERAR): _V.CERRADA,
    (_V.ABIERTA, _AV.OCUPAR): _V.ATENDIENDO,
    (_V.ATENDIENDO, _AV.DESOCUPAR): _V.ABIERTA,
    **{(v, _AV.CIERRE_DIA): _V.CERRADA for v in EstadoVentanilla},
}

_NOMBRES_VENTANILLA = {
    _V.CERRADA: "cerrada",
    _V.ABIERTA: "abierta",
    _V.EN_PAUSA: "en pausa",
    _V.ATENDIENDO: "atendiendo un turno",
}

EVENTOS_VENTANILLA: dict[AccionVentanilla, str] = {
    _AV.ABRIR: "ventanilla_abierta",
    _AV.PAUSAR: "ventanilla_pausada",
    _AV.CERRAR: "ventanilla_cerrada",
    _AV.LIBERAR: "ventanilla_liberada",
}


def nombre_estado_ventanilla(estado: EstadoVentanilla) -> str:
    return _NOMBRES_VENTANILLA[estado]


def transicion_ventanilla(estado: EstadoVentanilla, accion: AccionVentanilla) -> EstadoVentanilla:
    """El estado de la ventanilla tras `accion`, o TransicionInvalida (409) con un mensaje claro."""
    try:
        return TRANSICIONES_VENTANILLA[(estado, accion)]
    except KeyError:
        raise TransicionInvalida(
            f"No se puede {accion.value} una ventanilla que está "
            f"{nombre_estado_ventanilla(estado)}."
        ) from None

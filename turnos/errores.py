"""Jerarquía pequeña de errores. La web los traduce a HTTP en un solo lugar (web/errores.py)."""

from __future__ import annotations


class TurnosError(Exception):
    """Error esperado, con código estable y mensaje en español para la persona usuaria."""

    codigo = "error"
    status = 400

    def __init__(self, mensaje: str, codigo: str | None = None) -> None:
        super().__init__(mensaje)
        self.mensaje = mensaje
        if codigo:
            self.codigo = codigo


class EntradaInvalida(TurnosError):
    codigo = "entrada_invalida"
    status = 400


class NoAutenticado(TurnosError):
    codigo = "no_autenticado"
    status = 401


class Prohibido(TurnosError):
    codigo = "prohibido"
    status = 403


class NoEncontrado(TurnosError):
    codigo = "no_encontrado"
    status = 404


class Conflicto(TurnosError):
    codigo = "conflicto"
    status = 409


class TransicionInvalida(Conflicto):
    codigo = "transicion_invalida"


class FueraDeHorario(Conflicto):
    codigo = "fuera_de_horario"


class DemasiadosIntentos(TurnosError):
    """Límite de intentos alcanzado: 429 con `Retry-After: reintentar_s`."""

    codigo = "demasiados_intentos"
    status = 429

    def __init__(self, mensaje: str, reintentar_s: int) -> None:
        super().__init__(mensaje)
        self.reintentar_s = reintentar_s

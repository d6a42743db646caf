"""Interfaz común de impresoras y lectura del estado en tiempo real (DLE EOT n)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Papel = Literal["ok", "por_terminar", "sin_papel", "desconocido"]

# DLE EOT n: estado en tiempo real. La impresora contesta un byte por consulta aunque tenga
# datos pendientes en su búfer.
DLE_EOT = b"\x10\x04"
CONSULTA_IMPRESORA = DLE_EOT + b"\x01"  # bit 3: fuera de línea
CONSULTA_FUERA_DE_LINEA = DLE_EOT + b"\x02"  # bit 2: tapa abierta; bit 5: se acabó el papel
CONSULTA_PAPEL = DLE_EOT + b"\x04"  # bits 2-3: papel por terminarse; bits 5-6: sin papel
CONSULTAS = (CONSULTA_IMPRESORA, CONSULTA_FUERA_DE_LINEA, CONSULTA_PAPEL)


@dataclass(frozen=True)
class EstadoImpresora:
    en_linea: bool
    papel: Papel = "desconocido"
    tapa_abierta: bool = False
    detalle: str | None = None  # por qué no se pudo saber, p. ej. "no respondió"

    @property
    def lista(self) -> bool:
        """¿Se le puede mandar un ticket?"""
        return self.en_linea and not self.tapa_abierta and self.papel != "sin_papel"

    def descripcion(self) -> str:
        if self.detalle and not self.en_linea:
            return self.detalle
        if self.papel == "sin_papel":
            return "La impresora no tiene papel"
        if self.tapa_abierta:
            return "La impresora tiene la tapa abierta"
        if not self.en_linea:
            return "La impresora está fuera de línea"
        if self.papel == "por_terminar":
            return "El papel de la impresora está por terminarse"
        return "La impresora está lista"


@dataclass(frozen=True)
class ResultadoImpresion:
    impreso: bool
    motivo: str | None = None  # en español, para el tablero y la bitácora
    estado: EstadoImpresora | None = None
    reintentable: bool = True  # falso si hace falta una persona (papel, tapa)

    @classmethod
    def exito(cls, estado: EstadoImpresora | None = None) -> ResultadoImpresion:
        return cls(impreso=True, estado=estado)

    @classmethod
    def falla(
        cls, motivo: str, estado: EstadoImpresora | None = None, reintentable: bool = True
    ) -> ResultadoImpresion:
        return cls(impreso=False, motivo=motivo, estado=estado, reintentable=reintentable)


class Impresora(Protocol):
    """Adaptador de impresora. Ningún método levanta excepciones por fallas de la impresora."""

    url: str

    async def imprimir(self, datos: bytes) -> ResultadoImpresion: ...

    async def estado(self) -> EstadoImpresora: ...


class RespuestaInvalida(ValueError):
    pass


def _byte_valido(b: int) -> bool:
    # Todas las respuestas de DLE EOT tienen el patrón 0xx1xx10.
    return b & 0b1001_0011 == 0b0001_0010


def interpretar_estado(impresora: int, fuera_de_linea: int, papel: int) -> EstadoImpresora:
    """Estado a partir de las respuestas a DLE EOT 1, 2 y 4 (manual ESC/POS de Epson)."""
    for b in (impresora, fuera_de_linea, papel):
        if not _byte_valido(b):
            raise RespuestaInvalida(f"respuesta de estado inválida: 0x{b:02x}")
    if papel & 0x60 or fuera_de_linea & 0x20:
        nivel: Papel = "sin_papel"
    elif papel & 0x0C:
        nivel = "por_terminar"
    else:
        nivel = "ok"
    return EstadoImpresora(
        en_linea=not impresora & 0x08, papel=nivel, tapa_abierta=bool(fuera_de_linea & 0x04)
    )


def falla_por_estado(estado: EstadoImpresora, momento: str) -> ResultadoImpresion | None:
    """Falla si no se puede imprimir; None si la impresora está lista.

    Papel y tapa necesitan a una persona: reintentar en segundos no sirve, mejor que la falla
    se vea ya. "Fuera de línea" sin causa conocida suele ser pasajero y sí se reintenta.
    """
    if estado.lista:
        return None
    necesita_persona = estado.papel == "sin_papel" or estado.tapa_abierta
    return ResultadoImpresion.falla(
        f"{estado.descripcion()} ({momento})", estado=estado, reintentable=not necesita_persona
    )

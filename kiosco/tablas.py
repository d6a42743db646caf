"""Tabla de trabajos de impresión (migración 0002_impresion).

Un trabajo guarda los bytes ESC/POS ya renderizados: el agente del kiosco los recibe tal cual y
una reimpresión no depende de que el catálogo siga igual. `clave` es aleatoria y es lo que el
agente anota al imprimir: así un trabajo reenviado tras una reconexión no sale dos veces, aunque
la base de datos se haya recreado y los `id` se repitan.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel


class Impresion(SQLModel, table=True):
    __table_args__ = (
        Index("ix_impresion_pendientes", "estado", "impresora"),
        Index("ix_impresion_centro", "centro_id", "creado_ms"),
    )
    id: int | None = Field(default=None, primary_key=True)
    clave: str = Field(max_length=32, unique=True)
    centro_id: int = Field(foreign_key="centro.id")
    turno_id: int = Field(foreign_key="turno.id")
    dispositivo_id: int | None = Field(default=None, foreign_key="dispositivo.id")
    usuario_id: int | None = Field(default=None, foreign_key="usuario.id")  # quien reimprimió
    folio: str = Field(max_length=12)
    impresora: str = Field(max_length=300)  # URL
    perfil: str = Field(max_length=60)
    datos: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    estado: str = Field(default="pendiente", max_length=12)  # pendiente | impreso | fallido
    intentos: int = 0
    motivo: str = Field(default="", max_length=300)
    reimpresion: bool = False
    creado_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    actualizado_ms: int = Field(sa_column=Column(BigInteger, nullable=False))

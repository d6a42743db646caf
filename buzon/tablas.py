"""Tablas del buzón. Cada invariante la respalda la base de datos:

- folio único (UNIQUE) sacado de `buzon_folio` (centro, año) con `UPDATE … RETURNING`;
- la clave del ciudadano se guarda solo como SHA-256 (`clave_hash`);
- cada cambio de estado es `UPDATE … WHERE estado = :de` (dos personas no pisan el mismo caso);
- una ruta por (centro, tipo, asunto) en la tabla de canalización.
Contacto del ciudadano: aquí y solo aquí (nunca en eventos, métricas, logs ni listas públicas).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _ms(nullable: bool = True) -> Column:  # type: ignore[type-arg]
    return Column(BigInteger, nullable=nullable)


class BuzonUnidad(SQLModel, table=True):
    """Unidad responsable que atiende casos (con su correo para avisarle)."""

    __tablename__ = "buzon_unidad"
    __table_args__ = (UniqueConstraint("centro_id", "clave"),)
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    clave: str = Field(max_length=30)
    nombre: str = Field(max_length=200)
    correo: str = Field(default="", max_length=200)
    telefono: str = Field(default="", max_length=30)
    activa: bool = True
    demo: bool = False


class BuzonAsunto(SQLModel, table=True):
    """Catálogo de asuntos del centro (p. ej. trato del personal, tiempos de espera)."""

    __tablename__ = "buzon_asunto"
    __table_args__ = (UniqueConstraint("centro_id", "clave"),)
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    clave: str = Field(max_length=30)
    nombre: str = Field(max_length=200)
    orden: int = 0
    demo: bool = False


class BuzonRuta(SQLModel, table=True):
    """Canalización: tipo × asunto × centro → unidad ('' en tipo o asunto: cualquiera)."""

    __tablename__ = "buzon_ruta"
    __table_args__ = (UniqueConstraint("centro_id", "tipo", "asunto"),)
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    tipo: str = Field(default="", max_length=20)
    asunto: str = Field(default="", max_length=30)
    unidad_id: int = Field(foreign_key="buzon_unidad.id")
    demo: bool = False


class BuzonFolio(SQLModel, table=True):
    __tablename__ = "buzon_folio"
    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    anio: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    n: int = 0


class BuzonCaso(SQLModel, table=True):
    __tablename__ = "buzon_caso"
    __table_args__ = (
        Index("ix_buzon_caso_centro_estado", "centro_id", "estado"),
        Index("ix_buzon_caso_centro_creado", "centro_id", "creado_ms"),
    )
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    folio: str = Field(max_length=90, unique=True)
    clave_hash: str = Field(max_length=64)
    tipo: str = Field(max_length=20)
    asunto: str = Field(default="", max_length=30)
    descripcion: str = Field(sa_column=Column(Text, nullable=False))
    canal: str = Field(max_length=20)
    estado: str = Field(max_length=20)
    turno_id: int | None = Field(default=None, foreign_key="turno.id")
    tramite_id: int | None = Field(default=None, foreign_key="tramite.id")
    ventanilla_id: int | None = Field(default=None, foreign_key="ventanilla.id")
    correo: str = Field(default="", max_length=200)
    telefono: str = Field(default="", max_length=30)
    unidad_id: int | None = Field(default=None, foreign_key="buzon_unidad.id")
    primera_unidad_id: int | None = Field(default=None, foreign_key="buzon_unidad.id")
    resolucion: str = Field(default="", sa_column=Column(Text, nullable=False))
    creado_ms: int = Field(sa_column=_ms(False))
    actualizado_ms: int = Field(sa_column=_ms(False))
    vence_ms: int = Field(sa_column=_ms(False))
    respuesta_ms: int | None = Field(default=None, sa_column=_ms())
    cerrado_ms: int | None = Field(default=None, sa_column=_ms())
    recordado_ms: int | None = Field(default=None, sa_column=_ms())  # recordatorio por vencido
    capturo_id: int | None = Field(default=None, foreign_key="usuario.id")
    demo: bool = False


class BuzonMovimiento(SQLModel, table=True):
    """La historia del caso: estados, canalizaciones (de → a, quién, por qué) y mensajes.

    `tipo`: estado | canalizacion | respuesta (pública) | nota (interna) | ciudadano."""

    __tablename__ = "buzon_movimiento"
    __table_args__ = (Index("ix_buzon_movimiento_caso", "caso_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    caso_id: int = Field(foreign_key="buzon_caso.id")
    ts_ms: int = Field(sa_column=_ms(False))
    tipo: str = Field(max_length=20)
    de_estado: str = Field(default="", max_length=20)
    a_estado: str = Field(default="", max_length=20)
    de_unidad_id: int | None = Field(default=None, foreign_key="buzon_unidad.id")
    a_unidad_id: int | None = Field(default=None, foreign_key="buzon_unidad.id")
    usuario_id: int | None = Field(default=None, foreign_key="usuario.id")
    texto: str = Field(default="", sa_column=Column(Text, nullable=False))


class BuzonCorreo(SQLModel, table=True):
    """Bandeja de salida de avisos a las unidades (se escribe en la transacción del cambio)."""

    __tablename__ = "buzon_correo"
    __table_args__ = (Index("ix_buzon_correo_pendientes", "estado", "enviar_ms"),)
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    caso_id: int = Field(foreign_key="buzon_caso.id")
    para: str = Field(max_length=200)
    asunto: str = Field(max_length=200)
    cuerpo: str = Field(sa_column=Column(Text, nullable=False))
    estado: str = Field(default="pendiente", max_length=12)  # pendiente|enviado|fallido
    intentos: int = 0
    enviar_ms: int = Field(sa_column=_ms(False))
    enviado_ms: int | None = Field(default=None, sa_column=_ms())
    error: str = Field(default="", max_length=300)
    creado_ms: int = Field(sa_column=_ms(False))


class BuzonCliente(SQLModel, table=True):
    """Aplicación cliente de Open311 con su api_key (guardada como SHA-256)."""

    __tablename__ = "buzon_cliente"
    id: int | None = Field(default=None, primary_key=True)
    nombre: str = Field(max_length=100)
    clave_hash: str = Field(max_length=64, unique=True)
    creado_ms: int = Field(sa_column=_ms(False))
    revocado_ms: int | None = Field(default=None, sa_column=_ms())

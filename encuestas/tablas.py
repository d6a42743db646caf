"""Tablas de encuestas. Las invariantes las respalda la base de datos:

- una encuesta por turno atendido: UNIQUE(turno_id) sobre el id raíz (un turno transferido se
  encuesta una vez, al final);
- una respuesta por encuesta: se responde con `UPDATE … WHERE respondida_ms IS NULL`;
- la `clave` (secreta, de un solo uso) es UNIQUE; viaja a la tableta de esa ventanilla y al
  teléfono del ciudadano, nunca en eventos públicos.

Se guarda el trámite, la ventanilla, el personal y los segundos medidos de ese turno; nunca el
nombre ni el contacto del ciudadano.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Text
from sqlmodel import Field, SQLModel


def _ms(nullable: bool = True) -> Column:  # type: ignore[type-arg]
    return Column(BigInteger, nullable=nullable)


class Encuesta(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(
            "calificacion IS NULL OR calificacion BETWEEN 1 AND 5", name="ck_encuesta_calificacion"
        ),
        Index("ix_encuesta_ventanilla", "ventanilla_id", "creada_ms"),
        Index("ix_encuesta_centro", "centro_id", "creada_ms"),
    )
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    turno_id: int = Field(foreign_key="turno.id", unique=True)  # el id raíz del turno
    clave: str = Field(max_length=64, unique=True)
    tramite_id: int = Field(foreign_key="tramite.id")
    ventanilla_id: int = Field(foreign_key="ventanilla.id")
    usuario_id: int | None = Field(default=None, foreign_key="usuario.id")
    espera_s: int = 0
    atencion_s: int = 0
    creada_ms: int = Field(sa_column=_ms(False))
    respondida_ms: int | None = Field(default=None, sa_column=_ms())
    calificacion: int | None = None
    canal: str = Field(default="", max_length=12)  # tableta | telefono
    motivos: str = Field(default="", max_length=200)  # claves separadas por coma
    reactivos: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON 1..5
    comentario: str = Field(default="", max_length=500)
    manifestacion: str = Field(default="", max_length=40)  # folio del buzón si pidió contacto


class EncuestaConjunto(SQLModel, table=True):
    """Preguntas del centro: la general siempre; reactivos ENCIG opcionales."""

    __tablename__ = "encuesta_conjunto"
    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    pregunta: str = Field(default="", max_length=200)
    reactivos: str = Field(default="", max_length=200)  # p. ej. "tiempo,trato,informacion"
    mensaje_reposo: str = Field(default="", max_length=200)
    actualizado_ms: int = Field(sa_column=_ms(False))

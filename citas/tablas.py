"""Tablas de citas. Cada invariante la respalda la base de datos:

- `cita_cupo`: una fila por (trámite, inicio); reservar es `UPDATE … SET ocupados = ocupados + 1
  WHERE ocupados < lugares` y se revisa rowcount: nunca hay sobrecupo, ni con 40 a la vez.
- una cita agendada por CURP y trámite: índice único parcial sobre la huella (HMAC) de la CURP.
- `cita_persona`: fila por (centro, huella) que se bloquea al reservar: el tope por periodo se
  cuenta sin carreras.
- el token del enlace del ciudadano se guarda solo como SHA-256.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def _ms(nullable: bool = True) -> Column:  # type: ignore[type-arg]
    return Column(BigInteger, nullable=nullable)


class CitaAgenda(SQLModel, table=True):
    """Agenda de un trámite (ver citas.agenda.Agenda)."""

    __tablename__ = "cita_agenda"
    tramite_id: int = Field(foreign_key="tramite.id", primary_key=True)
    centro_id: int = Field(foreign_key="centro.id", index=True)
    duracion_min: int = 30
    lugares: int = 1
    horizonte_dias: int = 30
    anticipacion_min: int = 60
    activa: bool = True


class CitaAjustes(SQLModel, table=True):
    """Reglas de citas del centro: ventana de llegada, tope por CURP y corte para cambios."""

    __tablename__ = "cita_ajustes"
    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    antes_min: int = 30
    despues_min: int = 15
    tope_por_curp: int = 3
    periodo_dias: int = 30
    corte_min: int = 60
    # Política de inasistencias (se informa en la página de reserva): con `inasistencias_max`
    # citas no presentadas en `inasistencias_dias`, solo una cita agendada a la vez.
    inasistencias_max: int = 2
    inasistencias_dias: int = 90


class CitaCupo(SQLModel, table=True):
    __tablename__ = "cita_cupo"
    __table_args__ = (CheckConstraint("ocupados >= 0", name="ck_cita_cupo_ocupados"),)
    tramite_id: int = Field(foreign_key="tramite.id", primary_key=True)
    inicio_ms: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    ocupados: int = 0


class CitaPersona(SQLModel, table=True):
    __tablename__ = "cita_persona"
    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    curp_hash: str = Field(max_length=64, primary_key=True)
    reservas: int = 0


class Cita(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("centro_id", "folio"),
        Index("ix_cita_centro_inicio", "centro_id", "inicio_ms"),
        Index("ix_cita_persona", "centro_id", "curp_hash", "creado_ms"),
        Index(
            "ux_cita_activa",
            "tramite_id",
            "curp_hash",
            unique=True,
            sqlite_where=text("estado = 'agendada'"),
            postgresql_where=text("estado = 'agendada'"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    tramite_id: int = Field(foreign_key="tramite.id")
    folio: str = Field(max_length=12)
    token_hash: str = Field(max_length=64, unique=True)
    inicio_ms: int = Field(sa_column=_ms(False))
    fin_ms: int = Field(sa_column=_ms(False))
    estado: str = Field(max_length=16)
    secuencia: int = 0  # SEQUENCE del .ics: sube en cada cambio
    # Registro de personas citadas: aquí y solo aquí (nunca en eventos, métricas ni logs).
    nombre: str = Field(max_length=200)
    curp: str = Field(max_length=18)
    curp_hash: str = Field(max_length=64)
    correo: str = Field(default="", max_length=200)
    telefono: str = Field(default="", max_length=30)
    creado_ms: int = Field(sa_column=_ms(False))
    actualizado_ms: int = Field(sa_column=_ms(False))
    registrado_ms: int | None = Field(default=None, sa_column=_ms())
    turno_id: int | None = Field(default=None, foreign_key="turno.id")


class CitaCorreo(SQLModel, table=True):
    """Bandeja de salida (outbox): se escribe en la misma transacción que la cita; un trabajador
    la envía con reintentos. Nada se descarta en silencio: sin SMTP queda aquí, a la vista."""

    __tablename__ = "cita_correo"
    __table_args__ = (
        Index("ix_cita_correo_pendientes", "estado", "enviar_ms"),
        Index("ix_cita_correo_cita", "cita_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    cita_id: int = Field(foreign_key="cita.id")
    tipo: str = Field(max_length=16)  # confirmacion | recordatorio | cambio | cancelacion
    para: str = Field(max_length=200)
    asunto: str = Field(max_length=200)
    cuerpo: str = Field(sa_column=Column(Text, nullable=False))
    ics: str = Field(default="", sa_column=Column(Text, nullable=False))
    estado: str = Field(default="pendiente", max_length=12)  # pendiente|enviado|fallido|cancelado
    intentos: int = 0
    enviar_ms: int = Field(sa_column=_ms(False))  # cuándo toca (o el próximo reintento)
    enviado_ms: int | None = Field(default=None, sa_column=_ms())
    error: str = Field(default="", max_length=300)
    creado_ms: int = Field(sa_column=_ms(False))


class CitaApartado(SQLModel, table=True):
    """Lugar apartado mientras se llena el formulario: ocupa su lugar en `cita_cupo` hasta
    `expira_ms`; vencido, lo libera quien intente ocupar ese horario (en su transacción)."""

    __tablename__ = "cita_apartado"
    __table_args__ = (Index("ix_cita_apartado_horario", "tramite_id", "inicio_ms", "expira_ms"),)
    token_hash: str = Field(max_length=64, primary_key=True)
    tramite_id: int = Field(foreign_key="tramite.id")
    inicio_ms: int = Field(sa_column=_ms(False))
    expira_ms: int = Field(sa_column=_ms(False))
    creado_ms: int = Field(sa_column=_ms(False))

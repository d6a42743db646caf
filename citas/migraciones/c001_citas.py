"""citas en línea (citas/tablas.py)

Revision ID: c001
Revises: 0001 (rama citas: sus tablas solo necesitan las del esquema inicial; partir de 0004
la metería dentro de la rama nucleo y nucleo@head sería la punta de citas)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "c001"
down_revision = "0001"
branch_labels = ("citas",)
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "cita_agenda",
        sa.Column("tramite_id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("duracion_min", sa.Integer(), nullable=False),
        sa.Column("lugares", sa.Integer(), nullable=False),
        sa.Column("horizonte_dias", sa.Integer(), nullable=False),
        sa.Column("anticipacion_min", sa.Integer(), nullable=False),
        sa.Column("activa", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.ForeignKeyConstraint(["tramite_id"], ["tramite.id"]),
        sa.PrimaryKeyConstraint("tramite_id"),
    )
    op.create_index("ix_cita_agenda_centro_id", "cita_agenda", ["centro_id"])
    op.create_table(
        "cita_ajustes",
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("antes_min", sa.Integer(), nullable=False),
        sa.Column("despues_min", sa.Integer(), nullable=False),
        sa.Column("tope_por_curp", sa.Integer(), nullable=False),
        sa.Column("periodo_dias", sa.Integer(), nullable=False),
        sa.Column("corte_min", sa.Integer(), nullable=False),
        sa.Column("inasistencias_max", sa.Integer(), nullable=False),
        sa.Column("inasistencias_dias", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.PrimaryKeyConstraint("centro_id"),
    )
    op.create_table(
        "cita_cupo",
        sa.Column("tramite_id", sa.Integer(), nullable=False),
        sa.Column("inicio_ms", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("ocupados", sa.Integer(), nullable=False),
        sa.CheckConstraint("ocupados >= 0", name="ck_cita_cupo_ocupados"),
        sa.ForeignKeyConstraint(["tramite_id"], ["tramite.id"]),
        sa.PrimaryKeyConstraint("tramite_id", "inicio_ms"),
    )
    op.create_table(
        "cita_persona",
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("curp_hash", _S(length=64), nullable=False),
        sa.Column("reservas", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.PrimaryKeyConstraint("centro_id", "curp_hash"),
    )
    op.create_table(
        "cita",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("tramite_id", sa.Integer(), nullable=False),
        sa.Column("folio", _S(length=12), nullable=False),
        sa.Column("token_hash", _S(length=64), nullable=False),
        sa.Column("inicio_ms", sa.BigInteger(), nullable=False),
        sa.Column("fin_ms", sa.BigInteger(), nullable=False),
        sa.Column("estado", _S(length=16), nullable=False),
        sa.Column("secuencia", sa.Integer(), nullable=False),
        sa.Column("nombre", _S(length=200), nullable=False),
        sa.Column("curp", _S(length=18), nullable=False),
        sa.Column("curp_hash", _S(length=64), nullable=False),
        sa.Column("correo", _S(length=200), nullable=False),
        sa.Column("telefono", _S(length=30), nullable=False),
        sa.Column("creado_ms", sa.BigInteger(), nullable=False),
        sa.Column("actualizado_ms", sa.BigInteger(), nullable=False),
        sa.Column("registrado_ms", sa.BigInteger(), nullable=True),
        sa.Column("turno_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.ForeignKeyConstraint(["tramite_id"], ["tramite.id"]),
        sa.ForeignKeyConstraint(["turno_id"], ["turno.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centro_id", "folio"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_cita_centro_inicio", "cita", ["centro_id", "inicio_ms"])
    op.create_index("ix_cita_persona", "cita", ["centro_id", "curp_hash", "creado_ms"])
    op.create_index(
        "ux_cita_activa",
        "cita",
        ["tramite_id", "curp_hash"],
        unique=True,
        sqlite_where=sa.text("estado = 'agendada'"),
        postgresql_where=sa.text("estado = 'agendada'"),
    )


def downgrade() -> None:
    op.drop_table("cita")
    op.drop_table("cita_persona")
    op.drop_table("cita_cupo")
    op.drop_index("ix_cita_agenda_centro_id", table_name="cita_agenda")
    op.drop_table("cita_agenda")
    op.drop_table("cita_ajustes")

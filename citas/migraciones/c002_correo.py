"""bandeja de salida de correos de citas (citas/tablas.py: CitaCorreo)

Revision ID: c002
Revises: c001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "c002"
down_revision = "c001"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "cita_correo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("cita_id", sa.Integer(), nullable=False),
        sa.Column("tipo", _S(length=16), nullable=False),
        sa.Column("para", _S(length=200), nullable=False),
        sa.Column("asunto", _S(length=200), nullable=False),
        sa.Column("cuerpo", sa.Text(), nullable=False),
        sa.Column("ics", sa.Text(), nullable=False),
        sa.Column("estado", _S(length=12), nullable=False),
        sa.Column("intentos", sa.Integer(), nullable=False),
        sa.Column("enviar_ms", sa.BigInteger(), nullable=False),
        sa.Column("enviado_ms", sa.BigInteger(), nullable=True),
        sa.Column("error", _S(length=300), nullable=False),
        sa.Column("creado_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.ForeignKeyConstraint(["cita_id"], ["cita.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cita_correo_pendientes", "cita_correo", ["estado", "enviar_ms"])
    op.create_index("ix_cita_correo_cita", "cita_correo", ["cita_id"])


def downgrade() -> None:
    op.drop_table("cita_correo")

"""apartado de un horario mientras se llena el formulario (citas/tablas.py: CitaApartado)

Revision ID: c003
Revises: c002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "c003"
down_revision = "c002"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "cita_apartado",
        sa.Column("token_hash", _S(length=64), nullable=False),
        sa.Column("tramite_id", sa.Integer(), nullable=False),
        sa.Column("inicio_ms", sa.BigInteger(), nullable=False),
        sa.Column("expira_ms", sa.BigInteger(), nullable=False),
        sa.Column("creado_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["tramite_id"], ["tramite.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index(
        "ix_cita_apartado_horario", "cita_apartado", ["tramite_id", "inicio_ms", "expira_ms"]
    )


def downgrade() -> None:
    op.drop_table("cita_apartado")

"""claves Idempotency-Key de las creaciones (turnos/db/tablas.py: Idempotencia)

Revision ID: 0004_idempotencia
Revises: 0004_cuentas
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_idempotencia"
down_revision = "0004_cuentas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotencia",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("clave", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("huella", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("respuesta", sa.Text(), nullable=False),
        sa.Column("creado_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centro_id", "actor", "clave"),
    )


def downgrade() -> None:
    op.drop_table("idempotencia")

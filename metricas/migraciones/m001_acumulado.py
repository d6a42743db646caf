"""acumulados de /metrics por centro (metricas/tablas.py)

Revision ID: m001
Revises: 0003 (rama metricas)
"""

import sqlalchemy as sa
from alembic import op

revision = "m001"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metricas_acumulado",
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("datos", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.PrimaryKeyConstraint("centro_id"),
    )


def downgrade() -> None:
    op.drop_table("metricas_acumulado")

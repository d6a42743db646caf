"""precisión de la ETA por centro y día para /metrics (metricas/tablas.py)

Revision ID: m002
Revises: m001 (rama metricas)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "m002"
down_revision = "m001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metricas_eta_dia",
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("dia", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("datos", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.PrimaryKeyConstraint("centro_id", "dia"),
    )


def downgrade() -> None:
    op.drop_table("metricas_eta_dia")

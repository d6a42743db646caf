"""resúmenes diarios de KPI (metricas/tablas.py)

Revision ID: 0003
Revises: 0001 (rama metricas; antes de la costura venía tras 0002)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = ("metricas",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_dia",
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("dia", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("datos", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.PrimaryKeyConstraint("centro_id", "dia"),
    )


def downgrade() -> None:
    op.drop_table("kpi_dia")

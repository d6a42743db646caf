"""tabla juguete_saludo (rama juguete, parte de la rama del núcleo)

Revision ID: j001
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "j001"
down_revision = "0004"
branch_labels = ("juguete",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "juguete_saludo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("texto", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("juguete_saludo")

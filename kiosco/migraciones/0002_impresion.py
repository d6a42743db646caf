"""trabajos de impresión (kiosco)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = ("kiosco",)
depends_on = None


def upgrade() -> None:
    texto = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "impresion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clave", texto(length=32), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("turno_id", sa.Integer(), nullable=False),
        sa.Column("dispositivo_id", sa.Integer(), nullable=True),
        sa.Column("usuario_id", sa.Integer(), nullable=True),
        sa.Column("folio", texto(length=12), nullable=False),
        sa.Column("impresora", texto(length=300), nullable=False),
        sa.Column("perfil", texto(length=60), nullable=False),
        sa.Column("datos", sa.LargeBinary(), nullable=False),
        sa.Column("estado", texto(length=12), nullable=False),
        sa.Column("intentos", sa.Integer(), nullable=False),
        sa.Column("motivo", texto(length=300), nullable=False),
        sa.Column("reimpresion", sa.Boolean(), nullable=False),
        sa.Column("creado_ms", sa.BigInteger(), nullable=False),
        sa.Column("actualizado_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.ForeignKeyConstraint(["turno_id"], ["turno.id"]),
        sa.ForeignKeyConstraint(["dispositivo_id"], ["dispositivo.id"]),
        sa.ForeignKeyConstraint(["usuario_id"], ["usuario.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("clave"),
    )
    with op.batch_alter_table("impresion", schema=None) as batch_op:
        batch_op.create_index("ix_impresion_pendientes", ["estado", "impresora"], unique=False)
        batch_op.create_index("ix_impresion_centro", ["centro_id", "creado_ms"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("impresion", schema=None) as batch_op:
        batch_op.drop_index("ix_impresion_centro")
        batch_op.drop_index("ix_impresion_pendientes")
    op.drop_table("impresion")

"""sesiones en el servidor, cambio de contraseña obligado y bitácora de cuentas

Revision ID: 0004_cuentas
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_cuentas"
down_revision = "0004"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("usuario") as t:
        t.add_column(
            sa.Column("debe_cambiar", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "sesion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", _S(length=64), nullable=False),
        sa.Column("usuario_id", sa.Integer(), nullable=False),
        sa.Column("creada_ms", sa.BigInteger(), nullable=False),
        sa.Column("expira_ms", sa.BigInteger(), nullable=False),
        sa.Column("revocada_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["usuario_id"], ["usuario.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
    )
    op.create_index("ix_sesion_usuario_id", "sesion", ["usuario_id"])
    op.create_table(
        "evento_cuenta",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ts_ms", sa.BigInteger(), nullable=False),
        sa.Column("tipo", _S(length=40), nullable=False),
        sa.Column("autor_id", sa.Integer(), nullable=True),
        sa.Column("usuario_id", sa.Integer(), nullable=True),
        sa.Column("dispositivo_id", sa.Integer(), nullable=True),
        sa.Column("centro_id", sa.Integer(), nullable=True),
        sa.Column("datos", sa.Text(), nullable=False),
        sa.Column("hash_previo", _S(length=64), nullable=False),
        sa.Column("hash", _S(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    # La punta de la cadena de cuentas: su fila se bloquea al agregar un evento (como `cadena`).
    op.execute("INSERT INTO ajuste (clave, valor) VALUES ('cuentas_punta', '0:" + "0" * 64 + "')")


def downgrade() -> None:
    op.execute("DELETE FROM ajuste WHERE clave = 'cuentas_punta'")
    op.drop_table("evento_cuenta")
    op.drop_index("ix_sesion_usuario_id", table_name="sesion")
    op.drop_table("sesion")
    with op.batch_alter_table("usuario") as t:
        t.drop_column("debe_cambiar")

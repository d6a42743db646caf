"""pulido de la ventanilla (issue 15): salvaguardas de ausente por centro, turnos dirigidos a una
ventanilla o persona (al frente o al final), marcas de resultado por trámite y por turno

Revision ID: 0005_ventanilla
Revises: 0004_idempotencia
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_ventanilla"
down_revision = "0004_idempotencia"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Solo ADD COLUMN (nativo en SQLite y PG): batch recrearía `turno`, que otras tablas refieren.
    op.add_column(
        "centro", sa.Column("ausente_tras_s", sa.Integer(), nullable=False, server_default="120")
    )
    op.add_column(
        "centro", sa.Column("reincorporar_s", sa.Integer(), nullable=False, server_default="300")
    )
    op.add_column("tramite", sa.Column("marcas", sa.Text(), nullable=False, server_default="[]"))
    op.add_column("turno", sa.Column("ventanilla_destino_id", sa.Integer(), nullable=True))
    op.add_column("turno", sa.Column("usuario_destino_id", sa.Integer(), nullable=True))
    op.add_column(
        "turno", sa.Column("al_frente", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "turno",
        sa.Column(
            "resultado",
            sqlmodel.sql.sqltypes.AutoString(length=40),
            nullable=False,
            server_default="",
        ),
    )
    especial = sa.text(
        "estado = 'en_espera' AND (al_frente = true OR ventanilla_destino_id IS NOT NULL"
        " OR usuario_destino_id IS NOT NULL)"
    )
    op.create_index(
        "ix_turno_especial",
        "turno",
        ["centro_id"],
        sqlite_where=especial,
        postgresql_where=especial,
    )


def downgrade() -> None:
    op.drop_index("ix_turno_especial", table_name="turno")
    with op.batch_alter_table("turno") as t:
        for columna in ("resultado", "al_frente", "usuario_destino_id", "ventanilla_destino_id"):
            t.drop_column(columna)
    with op.batch_alter_table("tramite") as t:
        t.drop_column("marcas")
    with op.batch_alter_table("centro") as t:
        t.drop_column("reincorporar_s")
        t.drop_column("ausente_tras_s")

"""encuestas de satisfacción (encuestas/tablas.py)

Revision ID: e001
Revises: 0001 (rama encuestas: sus tablas solo necesitan las del esquema inicial)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "e001"
down_revision = "0001"
branch_labels = ("encuestas",)
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "encuesta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("turno_id", sa.Integer(), nullable=False),
        sa.Column("clave", _S(length=64), nullable=False),
        sa.Column("tramite_id", sa.Integer(), nullable=False),
        sa.Column("ventanilla_id", sa.Integer(), nullable=False),
        sa.Column("usuario_id", sa.Integer(), nullable=True),
        sa.Column("espera_s", sa.Integer(), nullable=False),
        sa.Column("atencion_s", sa.Integer(), nullable=False),
        sa.Column("creada_ms", sa.BigInteger(), nullable=False),
        sa.Column("respondida_ms", sa.BigInteger(), nullable=True),
        sa.Column("calificacion", sa.Integer(), nullable=True),
        sa.Column("canal", _S(length=12), nullable=False),
        sa.Column("motivos", _S(length=200), nullable=False),
        sa.Column("reactivos", sa.Text(), nullable=False),
        sa.Column("comentario", _S(length=500), nullable=False),
        sa.Column("manifestacion", _S(length=40), nullable=False),
        sa.CheckConstraint(
            "calificacion IS NULL OR calificacion BETWEEN 1 AND 5", name="ck_encuesta_calificacion"
        ),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.ForeignKeyConstraint(["turno_id"], ["turno.id"]),
        sa.ForeignKeyConstraint(["tramite_id"], ["tramite.id"]),
        sa.ForeignKeyConstraint(["ventanilla_id"], ["ventanilla.id"]),
        sa.ForeignKeyConstraint(["usuario_id"], ["usuario.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("turno_id"),
        sa.UniqueConstraint("clave"),
    )
    op.create_index("ix_encuesta_ventanilla", "encuesta", ["ventanilla_id", "creada_ms"])
    op.create_index("ix_encuesta_centro", "encuesta", ["centro_id", "creada_ms"])
    op.create_table(
        "encuesta_conjunto",
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("pregunta", _S(length=200), nullable=False),
        sa.Column("reactivos", _S(length=200), nullable=False),
        sa.Column("mensaje_reposo", _S(length=200), nullable=False),
        sa.Column("actualizado_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["centro_id"], ["centro.id"]),
        sa.PrimaryKeyConstraint("centro_id"),
    )


def downgrade() -> None:
    op.drop_table("encuesta_conjunto")
    op.drop_index("ix_encuesta_centro", table_name="encuesta")
    op.drop_index("ix_encuesta_ventanilla", table_name="encuesta")
    op.drop_table("encuesta")

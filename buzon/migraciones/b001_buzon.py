"""buzón ciudadano (buzon/tablas.py)

Revision ID: b001
Revises: 0001 (rama buzon: sus tablas solo necesitan las del esquema inicial)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "b001"
down_revision = "0001"
branch_labels = ("buzon",)
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "buzon_cliente",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nombre", _S(length=100), nullable=False),
        sa.Column("clave_hash", _S(length=64), nullable=False),
        sa.Column("creado_ms", sa.BigInteger(), nullable=False),
        sa.Column("revocado_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("clave_hash"),
    )
    op.create_table(
        "buzon_asunto",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("clave", _S(length=30), nullable=False),
        sa.Column("nombre", _S(length=200), nullable=False),
        sa.Column("orden", sa.Integer(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centro_id"],
            ["centro.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centro_id", "clave"),
    )
    op.create_table(
        "buzon_folio",
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("anio", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centro_id"],
            ["centro.id"],
        ),
        sa.PrimaryKeyConstraint("centro_id", "anio"),
    )
    op.create_table(
        "buzon_unidad",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("clave", _S(length=30), nullable=False),
        sa.Column("nombre", _S(length=200), nullable=False),
        sa.Column("correo", _S(length=200), nullable=False),
        sa.Column("telefono", _S(length=30), nullable=False),
        sa.Column("activa", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centro_id"],
            ["centro.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centro_id", "clave"),
    )
    op.create_table(
        "buzon_ruta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("tipo", _S(length=20), nullable=False),
        sa.Column("asunto", _S(length=30), nullable=False),
        sa.Column("unidad_id", sa.Integer(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centro_id"],
            ["centro.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unidad_id"],
            ["buzon_unidad.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centro_id", "tipo", "asunto"),
    )
    op.create_table(
        "buzon_caso",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("folio", _S(length=90), nullable=False),
        sa.Column("clave_hash", _S(length=64), nullable=False),
        sa.Column("tipo", _S(length=20), nullable=False),
        sa.Column("asunto", _S(length=30), nullable=False),
        sa.Column("descripcion", sa.Text(), nullable=False),
        sa.Column("canal", _S(length=20), nullable=False),
        sa.Column("estado", _S(length=20), nullable=False),
        sa.Column("turno_id", sa.Integer(), nullable=True),
        sa.Column("tramite_id", sa.Integer(), nullable=True),
        sa.Column("ventanilla_id", sa.Integer(), nullable=True),
        sa.Column("correo", _S(length=200), nullable=False),
        sa.Column("telefono", _S(length=30), nullable=False),
        sa.Column("unidad_id", sa.Integer(), nullable=True),
        sa.Column("primera_unidad_id", sa.Integer(), nullable=True),
        sa.Column("resolucion", sa.Text(), nullable=False),
        sa.Column("creado_ms", sa.BigInteger(), nullable=False),
        sa.Column("actualizado_ms", sa.BigInteger(), nullable=False),
        sa.Column("vence_ms", sa.BigInteger(), nullable=False),
        sa.Column("respuesta_ms", sa.BigInteger(), nullable=True),
        sa.Column("cerrado_ms", sa.BigInteger(), nullable=True),
        sa.Column("recordado_ms", sa.BigInteger(), nullable=True),
        sa.Column("capturo_id", sa.Integer(), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["capturo_id"],
            ["usuario.id"],
        ),
        sa.ForeignKeyConstraint(
            ["centro_id"],
            ["centro.id"],
        ),
        sa.ForeignKeyConstraint(
            ["primera_unidad_id"],
            ["buzon_unidad.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tramite_id"],
            ["tramite.id"],
        ),
        sa.ForeignKeyConstraint(
            ["turno_id"],
            ["turno.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unidad_id"],
            ["buzon_unidad.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ventanilla_id"],
            ["ventanilla.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("folio"),
    )
    op.create_index(
        "ix_buzon_caso_centro_creado", "buzon_caso", ["centro_id", "creado_ms"], unique=False
    )
    op.create_index(
        "ix_buzon_caso_centro_estado", "buzon_caso", ["centro_id", "estado"], unique=False
    )
    op.create_table(
        "buzon_correo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centro_id", sa.Integer(), nullable=False),
        sa.Column("caso_id", sa.Integer(), nullable=False),
        sa.Column("para", _S(length=200), nullable=False),
        sa.Column("asunto", _S(length=200), nullable=False),
        sa.Column("cuerpo", sa.Text(), nullable=False),
        sa.Column("estado", _S(length=12), nullable=False),
        sa.Column("intentos", sa.Integer(), nullable=False),
        sa.Column("enviar_ms", sa.BigInteger(), nullable=False),
        sa.Column("enviado_ms", sa.BigInteger(), nullable=True),
        sa.Column("error", _S(length=300), nullable=False),
        sa.Column("creado_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"],
            ["buzon_caso.id"],
        ),
        sa.ForeignKeyConstraint(
            ["centro_id"],
            ["centro.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_buzon_correo_pendientes", "buzon_correo", ["estado", "enviar_ms"], unique=False
    )
    op.create_table(
        "buzon_movimiento",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caso_id", sa.Integer(), nullable=False),
        sa.Column("ts_ms", sa.BigInteger(), nullable=False),
        sa.Column("tipo", _S(length=20), nullable=False),
        sa.Column("de_estado", _S(length=20), nullable=False),
        sa.Column("a_estado", _S(length=20), nullable=False),
        sa.Column("de_unidad_id", sa.Integer(), nullable=True),
        sa.Column("a_unidad_id", sa.Integer(), nullable=True),
        sa.Column("usuario_id", sa.Integer(), nullable=True),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["a_unidad_id"],
            ["buzon_unidad.id"],
        ),
        sa.ForeignKeyConstraint(
            ["caso_id"],
            ["buzon_caso.id"],
        ),
        sa.ForeignKeyConstraint(
            ["de_unidad_id"],
            ["buzon_unidad.id"],
        ),
        sa.ForeignKeyConstraint(
            ["usuario_id"],
            ["usuario.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_buzon_movimiento_caso", "buzon_movimiento", ["caso_id", "id"], unique=False)


def downgrade() -> None:
    for tabla in (
        "buzon_movimiento",
        "buzon_correo",
        "buzon_caso",
        "buzon_ruta",
        "buzon_unidad",
        "buzon_folio",
        "buzon_asunto",
        "buzon_cliente",
    ):
        op.drop_table(tabla)

"""versión del catálogo (issue 14): una fila que sube con TODA escritura a centro, tramite o
ventanilla_tramite, por disparadores en la base; valida la caché por proceso de esas filas
(turnos/db/almacen.py: CacheCatalogo)

Revision ID: 0006_version_catalogo
Revises: 0005_ventanilla
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_version_catalogo"
down_revision = "0005_ventanilla"
branch_labels = None
depends_on = None

# Lo que CentroInfo, TramiteInfo, las marcas y los trámites de una ventanilla leen.
TABLAS = ("centro", "tramite", "ventanilla_tramite")
OPERACIONES = ("INSERT", "UPDATE", "DELETE")

# La versión salta al reloj en ms si va detrás: una base restaurada (pg_restore, con el servidor
# corriendo) vuelve a una versión vieja, y un contador simple podría repetir el número que un
# proceso ya tiene en caché con otro contenido.
_SUBIR_SQLITE = (
    "UPDATE version_catalogo SET n = max(n + 1,"
    " CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))"
)
_SUBIR_PG = (
    "UPDATE version_catalogo SET n = GREATEST(n + 1,"
    " (extract(epoch FROM clock_timestamp()) * 1000)::bigint)"
)


def _disparador(tabla: str, operacion: str = "") -> str:
    return f"tg_version_catalogo_{tabla}" + (f"_{operacion.lower()}" if operacion else "")


def upgrade() -> None:
    op.create_table(
        "version_catalogo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO version_catalogo (id, n) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        # Por sentencia (no por fila): una importación de cien trámites sube la versión una vez.
        op.execute(
            "CREATE FUNCTION subir_version_catalogo() RETURNS trigger LANGUAGE plpgsql AS"
            f" $$ BEGIN {_SUBIR_PG}; RETURN NULL; END $$"
        )
        for tabla in TABLAS:
            op.execute(
                f"CREATE TRIGGER {_disparador(tabla)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
                f" ON {tabla} FOR EACH STATEMENT EXECUTE FUNCTION subir_version_catalogo()"
            )
    else:  # SQLite solo tiene disparadores por fila, uno por operación
        for tabla in TABLAS:
            for operacion in OPERACIONES:
                op.execute(
                    f"CREATE TRIGGER {_disparador(tabla, operacion)} AFTER {operacion} ON {tabla}"
                    f" BEGIN {_SUBIR_SQLITE}; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for tabla in TABLAS:
            op.execute(f"DROP TRIGGER {_disparador(tabla)} ON {tabla}")
        op.execute("DROP FUNCTION subir_version_catalogo()")
    else:
        for tabla in TABLAS:
            for operacion in OPERACIONES:
                op.execute(f"DROP TRIGGER {_disparador(tabla, operacion)}")
    op.drop_table("version_catalogo")

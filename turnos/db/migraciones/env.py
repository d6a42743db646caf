"""Entorno de Alembic: usa la conexión que le pasa `turnos.db.migrar` (nunca conecta solo)."""

from alembic import context

from turnos.db.tablas import metadata

conexion = context.config.attributes.get("connection")
if conexion is None:  # `alembic` en línea de comandos: solo para generar revisiones
    from sqlalchemy import create_engine

    conexion = create_engine(context.config.get_main_option("sqlalchemy.url")).connect()

context.configure(connection=conexion, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

"""Entorno de Alembic: usa la conexión que le pasa `turnos.db.migrar` (nunca conecta solo)."""

from alembic import context

from turnos.capacidades import cargar_tablas

conexion = context.config.attributes.get("connection")
if conexion is None:  # `alembic` en línea de comandos: solo para generar revisiones
    from sqlalchemy import create_engine

    conexion = create_engine(context.config.get_main_option("sqlalchemy.url")).connect()

# La metadata del núcleo y de las capacidades instaladas (autogenerate compara con todas).
context.configure(connection=conexion, target_metadata=cargar_tablas(), render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

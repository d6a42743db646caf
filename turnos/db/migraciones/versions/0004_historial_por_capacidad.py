"""historial por capacidad: desde aquí la rama del núcleo (sin cambios de esquema)

Las revisiones 0002 (impresion) y 0003 (kpi_dia) pasaron a las ramas de kiosco y metricas con el
mismo id. Esta revisión marca la rama del núcleo: una base del historial lineal viejo tiene una
sola marca ('0002' o '0003') y `turnos.db.migrar` la reconoce porque aquí nunca queda sola.

Revision ID: 0004
Revises: 0001
"""

revision = "0004"
down_revision = "0001"
branch_labels = ("nucleo",)
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

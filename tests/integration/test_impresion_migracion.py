"""La migración 0002_impresion coincide con `kiosco.tablas.Impresion`."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import kiosco.tablas  # noqa: F401 - registra la tabla en la metadata común
from turnos.db.tablas import metadata


def test_migracion_impresion_coincide_con_la_tabla(alm):
    with alm.motor.connect() as c:
        diferencias = compare_metadata(MigrationContext.configure(c), metadata)
    assert diferencias == []

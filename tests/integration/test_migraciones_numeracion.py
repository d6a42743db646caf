from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from tests.conftest import AHORA, minutos
from turnos.db.migrar import migrar
from turnos.db.tablas import metadata
from turnos.servicios import emision


def test_migraciones_coinciden_con_las_tablas(alm):
    migrar(alm.motor)  # idempotente
    with alm.motor.connect() as c:
        diferencias = compare_metadata(MigrationContext.configure(c), metadata)
    assert diferencias == []


def test_folios_consecutivos_por_prefijo_y_dia(alm, centro):
    folios = [emision.emitir(alm, "prueba", t, centro.kiosco, AHORA)["folio"] for t in "AABAB"]
    assert folios == ["A-001", "A-002", "B-001", "A-003", "B-002"]
    # día siguiente (hora local): la numeración reinicia
    assert emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(24 * 60))["folio"] == "A-001"


def test_personas_delante_y_token_publico(alm, centro):
    primeros = [emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(i)) for i in range(3)]
    assert [t["personas_delante"] for t in primeros] == [0, 1, 2]
    publico = emision.estado_publico(alm, primeros[2]["token"])
    assert publico["folio"] == "A-003" and publico["personas_delante"] == 2
    assert "nombre" not in publico and "contacto" not in publico and "token" not in publico
    assert len({t["token"] for t in primeros}) == 3


def test_folio_unico_respaldado_por_la_bd(alm, centro):
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), alm.motor.begin() as c:
        c.execute(
            text(
                "INSERT INTO turno (centro_id, tramo, folio, dia, token, tramite_id, clase, origen, estado,"
                " en_cola_ms, llamadas, motivo, nombre, contacto) SELECT centro_id, tramo, folio, dia,"
                " 'otro', tramite_id, clase, origen, estado, en_cola_ms, 0, '', '', '' FROM turno"
            )
        )

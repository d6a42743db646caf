"""Alterar la bitácora en la BD: `auditar` (servicio y CLI) lo detecta."""

import pytest
from sqlalchemy import text

from tests.conftest import AHORA
from turnos.cli import main
from turnos.servicios import emision
from turnos.servicios.auditoria import auditar


@pytest.fixture
def con_eventos(alm, centro):
    for t in "ABAB":
        emision.emitir(alm, "prueba", t, centro.kiosco, AHORA)
    total, falla = auditar(alm, "prueba")
    assert falla is None
    return total


def _cid(alm):
    with alm.lectura() as c:
        return c.execute(text("SELECT id FROM centro WHERE slug = 'prueba'")).scalar_one()


@pytest.mark.parametrize(
    "alteracion",
    [
        "UPDATE evento SET datos = replace(datos, 'A-002', 'A-099') WHERE seq = (SELECT max(seq) - 1 FROM evento WHERE centro_id = :c) AND centro_id = :c",
        "DELETE FROM evento WHERE centro_id = :c AND seq = 5",
        "UPDATE evento SET ts_ms = ts_ms + 1 WHERE centro_id = :c AND seq = 3",
        "DELETE FROM evento WHERE centro_id = :c AND seq = (SELECT max(seq) FROM evento WHERE centro_id = :c)",
        "UPDATE evento SET seq = CASE seq WHEN 4 THEN -4 ELSE seq END WHERE centro_id = :c",
    ],
    ids=["editado", "borrado", "hora-cambiada", "final-borrado", "reordenado"],
)
def test_alteracion_detectada(alm, con_eventos, alteracion, db_url, capsys):
    with alm.motor.begin() as c:
        c.execute(text(alteracion), {"c": _cid(alm)})
    _, falla = auditar(alm, "prueba")
    assert falla is not None
    assert main(["auditar", "--centro", "prueba", "--db", db_url]) == 1
    assert "ALTERACIÓN DETECTADA" in capsys.readouterr().out


def test_cli_auditar_integra(alm, con_eventos, db_url, capsys):
    assert main(["auditar", "--centro", "prueba", "--db", db_url]) == 0
    assert "íntegra" in capsys.readouterr().out

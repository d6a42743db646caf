"""Prefijos de folio legibles a distancia (issue de pulido, punto 10)."""

import pytest


@pytest.mark.parametrize("prefijo", ["I", "O", "Q", "S", "Z", "LI", "OZ"])
def test_prefijos_que_se_leen_como_digitos_se_rechazan(prefijo):
    """En una pantalla lejana «I-010» se lee «1-010» y «O-12» «0-12»: esas letras no van."""
    from turnos.dominio.numeracion import prefijo_valido

    assert not prefijo_valido(prefijo)


@pytest.mark.parametrize("prefijo", ["A", "L", "PR", "CUR"])
def test_prefijos_legibles_se_aceptan(prefijo):
    from turnos.dominio.numeracion import prefijo_valido

    assert prefijo_valido(prefijo)


def test_la_demo_usa_prefijos_legibles():
    from turnos.demo import TRAMITES
    from turnos.dominio.numeracion import prefijo_valido

    assert all(prefijo_valido(t["prefijo"]) for t in TRAMITES)

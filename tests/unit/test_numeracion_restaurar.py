"""La serie de folios tras restaurar: al menos 1000 por encima de lo conocido, en millar redondo."""

from hypothesis import given
from hypothesis import strategies as st

from turnos.dominio.numeracion import formatear_folio, piso_tras_restaurar


@given(st.integers(min_value=0, max_value=10**6))
def test_salta_al_menos_mil_y_cae_en_millar(conocido):
    piso = piso_tras_restaurar(conocido)
    assert piso - conocido >= 1000 and piso % 1000 == 0
    assert piso_tras_restaurar(piso) > piso  # una segunda restauración el mismo día sigue arriba


def test_serie_visible():
    assert formatear_folio("A", piso_tras_restaurar(0) + 1) == "A-1001"
    assert formatear_folio("A", piso_tras_restaurar(23) + 1) == "A-2001"

"""El rango del estimador (segundos) como se imprime en el ticket (minutos, múltiplos de 5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosco.ticket import rango_minutos


@pytest.mark.parametrize(
    ("min_s", "max_s", "esperado"),
    [
        (0, 829, (0, 15)),  # 13.8 min -> 15
        (600, 1200, (10, 20)),  # exactos: «entre 10 y 20 min»
        (659, 1201, (10, 25)),  # el mínimo baja, el máximo sube: nunca se promete de más
        (0, 30, (0, 5)),  # el rango siempre tiene al menos 5 minutos
    ],
)
def test_ejemplos(min_s: int, max_s: int, esperado: tuple[int, int]) -> None:
    assert rango_minutos(min_s, max_s) == esperado


def test_sin_estimacion() -> None:
    assert rango_minutos(None, None) is None


def test_rango_invertido() -> None:
    with pytest.raises(ValueError):
        rango_minutos(100, 50)


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_contiene_al_rango_en_segundos(a: int, b: int) -> None:
    bajo, alto = min(a, b), max(a, b)
    r = rango_minutos(bajo, alto)
    assert r is not None
    assert r[0] * 60 <= bajo and alto <= r[1] * 60
    assert r[0] % 5 == 0 and r[1] % 5 == 0 and r[0] < r[1]

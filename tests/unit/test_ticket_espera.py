"""Estimador del rango de espera impreso en el ticket."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosco.ticket import estimar_espera


@pytest.mark.parametrize(
    ("delante", "ventanillas", "media_s", "esperado"),
    [
        (5, 2, 480, (15, 30)),  # base 4 min: 0.75·5·4 = 15; 1.25·6·4 = 30
        (0, 2, 600, (0, 10)),  # nadie delante: hasta que se libere una ventanilla
        (0, 1, 60, (0, 5)),  # el rango siempre tiene al menos 5 minutos
        (10, 1, 300, (35, 70)),  # 37.5 -> 35; 68.75 -> 70
    ],
)
def test_ejemplos(
    delante: int, ventanillas: int, media_s: float, esperado: tuple[int, int]
) -> None:
    assert estimar_espera(delante, ventanillas, media_s) == esperado


@pytest.mark.parametrize(("ventanillas", "media_s"), [(0, 300), (2, None), (2, 0), (-1, 300)])
def test_sin_datos_no_promete(ventanillas: int, media_s: float | None) -> None:
    assert estimar_espera(3, ventanillas, media_s) is None


def test_personas_negativas() -> None:
    with pytest.raises(ValueError):
        estimar_espera(-1, 1, 300)


personas = st.integers(min_value=0, max_value=500)
ventanillas = st.integers(min_value=1, max_value=30)
medias = st.floats(min_value=1, max_value=7200, allow_nan=False)


@given(personas, ventanillas, medias)
def test_rango_ordenado_en_multiplos_de_5(n: int, c: int, t: float) -> None:
    rango = estimar_espera(n, c, t)
    assert rango is not None
    minimo, maximo = rango
    assert 0 <= minimo < maximo
    assert minimo % 5 == 0 and maximo % 5 == 0


@given(personas, ventanillas, medias)
def test_mas_personas_nunca_menos_espera(n: int, c: int, t: float) -> None:
    antes, despues = estimar_espera(n, c, t), estimar_espera(n + 1, c, t)
    assert antes is not None and despues is not None
    assert despues[0] >= antes[0] and despues[1] >= antes[1]


@given(personas, ventanillas, medias)
def test_mas_ventanillas_nunca_mas_espera(n: int, c: int, t: float) -> None:
    con_c, con_mas = estimar_espera(n, c, t), estimar_espera(n, c + 1, t)
    assert con_c is not None and con_mas is not None
    assert con_mas[0] <= con_c[0] and con_mas[1] <= con_c[1]


@given(personas, ventanillas, medias)
def test_el_promedio_cae_en_el_rango(n: int, c: int, t: float) -> None:
    minimo, maximo = estimar_espera(n, c, t)  # type: ignore[misc]
    esperado_min = n * t / c / 60  # espera media si la cola avanza al ritmo promedio
    assert minimo <= esperado_min <= maximo

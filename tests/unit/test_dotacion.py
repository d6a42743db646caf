"""Erlang C propio contra el vector publicado (pyworkforce y ErlangC de R coinciden)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from turnos.dominio.dotacion import (
    espera_media_s,
    nivel_servicio,
    prob_espera,
    recomendar,
)

AHT = 180.0  # 3 min
CARGA = 100 / 1800 * AHT  # 100 llegadas en 30 min → A = 10


def test_vector_publicado():
    assert pytest.approx(10) == CARGA
    assert prob_espera(CARGA, 14) == pytest.approx(0.1741, abs=5e-5)
    assert nivel_servicio(CARGA, 14, AHT, 20) == pytest.approx(0.8884, abs=5e-5)
    assert nivel_servicio(CARGA, 13, AHT, 20) == pytest.approx(0.7956, abs=5e-5)
    assert espera_media_s(CARGA, 14, AHT) == pytest.approx(7.84, abs=5e-3)


def test_recomienda_14_para_80_por_ciento_en_20_s():
    r = recomendar(200, AHT, 20, 0.8)  # 100 por media hora = 200 por hora
    assert r.ventanillas == 14 and r.ocupacion == pytest.approx(0.714, abs=5e-4)


def test_ejemplo_de_centro_de_atencion():
    # 60 por hora, 12 min → A = 12; meta 15 min: 13 → 79.8 %, 14 → 96.0 %.
    assert nivel_servicio(12, 13, 720, 900) == pytest.approx(0.798, abs=5e-4)
    assert nivel_servicio(12, 14, 720, 900) == pytest.approx(0.960, abs=5e-4)
    assert recomendar(60, 720, 900, 0.8).ventanillas == 14


def test_inestable_y_sin_llegadas():
    assert prob_espera(10, 10) == 1.0 and nivel_servicio(10, 9, 60, 20) == 0.0
    assert espera_media_s(10, 10, 60) == math.inf
    assert recomendar(0, 600, 900).ventanillas == 0


def test_centro_grande_no_desborda():
    # A = 900 erlangs: los factoriales directos desbordarían un float.
    assert 0 < prob_espera(900, 950) < 1


@given(st.floats(0.1, 80), st.integers(1, 120), st.floats(10, 3600), st.floats(0, 3600))
def test_mas_ventanillas_nunca_empeora(carga, n, aht, meta):
    assert nivel_servicio(carga, n + 1, aht, meta) >= nivel_servicio(carga, n, aht, meta) - 1e-12

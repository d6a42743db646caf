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


def test_nivel_del_plan_con_ventanillas_dedicadas_es_erlang_c_del_tramite():
    from turnos.dominio.dotacion import nivel_del_plan, nivel_servicio

    demanda = {"A": (200.0, 180.0, 20.0), "B": (10.0, 600.0, 1800.0)}
    plan = {i: ("A",) for i in range(14)} | {99: ("B",)}
    niveles = nivel_del_plan(demanda, plan)
    assert niveles["A"][0] == 14 and niveles["A"][1] == pytest.approx(0.8884, abs=5e-5)
    assert niveles["B"] == (1, nivel_servicio(10 * 600 / 3600, 1, 600, 1800))


def test_nivel_del_plan_reparte_ventanillas_compartidas_y_sin_ventanilla_es_cero():
    from turnos.dominio.dotacion import nivel_del_plan, nivel_servicio

    # Dos ventanillas A+B: cada fila ve la carga de ambos trámites y su atención media.
    demanda = {"A": (6.0, 600.0, 1800.0), "B": (2.0, 1200.0, 600.0), "C": (1.0, 300.0, 900.0)}
    niveles = nivel_del_plan(demanda, {1: ("A", "B"), 2: ("A", "B")})
    carga, aht = (6 * 600 + 2 * 1200) / 3600, (6 * 600 + 2 * 1200) / 8
    assert niveles["A"] == (2, pytest.approx(nivel_servicio(carga, 2, aht, 1800)))
    assert niveles["B"] == (2, pytest.approx(nivel_servicio(carga, 2, aht, 600)))
    assert niveles["A"][1] > niveles["B"][1]  # misma fila, meta más holgada
    assert niveles["C"] == (0, 0.0)  # nadie lo atiende en el plan
    # Una ventanilla más que solo atiende B le quita carga a la fila de A.
    mas = nivel_del_plan(demanda, {1: ("A", "B"), 2: ("A", "B"), 3: ("B",)})
    assert mas["A"][1] > niveles["A"][1] and mas["B"][0] == 3

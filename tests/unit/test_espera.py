"""Estimador de espera puro (turnos.dominio.espera): orden = política, cuantiles de Erlang."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnos.dominio.enrutamiento import Candidato, Politica, siguiente
from turnos.dominio.espera import (
    VentanillaEstimada,
    erlang_cdf,
    erlang_cuantil,
    estimar,
    orden_predicho,
)
from turnos.dominio.estados import Clase

MIN = 60_000
POL = Politica()


def cand(id, clase="general", en_cola=0, tramite="A", maxima=None, cita=None):
    return Candidato(id, tramite, Clase(clase), en_cola, maxima, cita)


candidatos = st.lists(
    st.builds(
        lambda clase, en_cola, tramite, maxima, cita: (clase, en_cola, tramite, maxima, cita),
        st.sampled_from(["general", "preferente", "cita"]),
        st.integers(0, 120).map(lambda m: m * MIN // 2),
        st.sampled_from(["A", "B"]),
        st.sampled_from([None, 10 * 60, 30 * 60]),
        st.integers(-60, 60),
    ),
    max_size=25,
)


def _armar(datos):
    return [
        cand(i, cl, e, t, mx, e + c * MIN if cl == "cita" else None)
        for i, (cl, e, t, mx, c) in enumerate(datos, start=1)
    ]


@settings(max_examples=300)
@given(candidatos, st.sampled_from([0, 1, 5 * MIN, 12 * MIN]), st.sampled_from([(), ("B", "A")]))
def test_orden_predicho_es_llamar_siguiente_una_y_otra_vez(datos, paso, orden):
    cs = _armar(datos)
    ahora = 70 * MIN
    esperado, restantes, reloj = [], list(cs), ahora
    while restantes:
        s = siguiente(restantes, reloj, POL, orden)
        esperado.append(s.id)
        restantes.remove(s)
        reloj += paso
    assert [c.id for c in orden_predicho(cs, ahora, POL, orden, paso)] == esperado


def test_escenario_del_issue_general_general_preferente():
    cs = [cand(1, en_cola=0), cand(2, en_cola=MIN), cand(3, "preferente", en_cola=2 * MIN)]
    v = [VentanillaEstimada(1, ("A",), abierta=True, libre=False)]
    delante = {c.id: estimar(c, cs, v, {"A": 600}, 3 * MIN).personas_delante for c in cs}
    assert delante == {3: 0, 1: 1, 2: 2}


def test_sin_ventanilla_abierta_no_hay_rango_pero_si_posicion():
    cs = [cand(1), cand(2, "preferente", en_cola=MIN)]
    v = [VentanillaEstimada(1, ("A",), abierta=False, libre=False)]
    e = estimar(cs[0], cs, v, {"A": 600}, 2 * MIN)
    assert (e.personas_delante, e.min_s, e.max_s) == (1, None, None)
    assert estimar(cs[0], cs, [], {"A": 600}, 2 * MIN).min_s is None


def test_otra_ventanilla_reparte_los_de_otro_tramite():
    # B lo atienden 1 y 2; A solo la 1: de los 4 de B delante, a la 1 le toca la mitad.
    cs = [cand(i, tramite="B", en_cola=i * MIN) for i in range(1, 5)]
    yo = cand(9, tramite="A", en_cola=10 * MIN)
    v = [
        VentanillaEstimada(1, ("A", "B"), abierta=True, libre=False),
        VentanillaEstimada(2, ("B",), abierta=True, libre=False),
    ]
    assert estimar(yo, [*cs, yo], v, {"A": 600, "B": 600}, 11 * MIN).personas_delante == 2


def test_rango_es_p10_p90_de_erlang():
    # 2 delante, 1 ventanilla ocupada, 10 min: Erlang(3, 1/600).
    cs = [cand(1), cand(2, en_cola=MIN), cand(3, en_cola=2 * MIN)]
    v = [VentanillaEstimada(1, ("A",), abierta=True, libre=False)]
    e = estimar(cs[2], cs, v, {"A": 600}, 3 * MIN)
    assert e.min_s == int(erlang_cuantil(0.1, 3, 1 / 600))
    assert e.max_s == math.ceil(erlang_cuantil(0.9, 3, 1 / 600))
    assert e.max_s > 600 and e.min_s < 3 * 600 < e.max_s


@pytest.mark.parametrize(("p", "k"), [(0.1, 1), (0.9, 1), (0.1, 3), (0.9, 3), (0.5, 20), (0.9, 40)])
def test_cuantil_invierte_la_cdf_a_medio_segundo(p, k):
    q = erlang_cuantil(p, k, 0.01)
    assert erlang_cdf(q - 0.5, k, 0.01) <= p <= erlang_cdf(q + 0.5, k, 0.01)


def test_erlang_1_es_exponencial_y_wilson_hilferty_cerca_del_exacto():
    assert erlang_cuantil(0.9, 1, 1.0) == pytest.approx(math.log(10))
    # k > 40 usa la aproximación; su CDF exacta en ese punto queda a menos de 0.005 de p.
    for k in (41, 61, 300):
        for p in (0.1, 0.5, 0.9):
            assert erlang_cdf(erlang_cuantil(p, k, 1.0), k, 1.0) == pytest.approx(p, abs=0.005)


def test_mezcla_con_rebases_alarga_la_espera():
    from turnos.dominio.espera import cuantil_con_rebases

    sin = cuantil_con_rebases(0.9, 3, 0.0, 1 / 600)
    con = cuantil_con_rebases(0.9, 3, 2.0, 1 / 600)
    assert sin == pytest.approx(erlang_cuantil(0.9, 3, 1 / 600)) and con > sin
    # rebases exactos (Poisson degenerado no existe): la mezcla queda entre Erlang(3) y Erlang(3+8)
    assert con < erlang_cuantil(0.9, 11, 1 / 600)


@given(st.integers(0, 40), st.integers(1, 6), st.floats(60, 3600))
def test_mas_gente_delante_nunca_acorta_el_rango(n, s, t):
    v = [VentanillaEstimada(i, ("A",), abierta=True, libre=False) for i in range(s)]
    cs = [cand(i, en_cola=i * 1000) for i in range(n + 2)]
    a = estimar(cs[n], cs, v, {"A": t}, 10**9)
    b = estimar(cs[n + 1], cs, v, {"A": t}, 10**9)
    assert a.personas_delante == n and b.personas_delante == n + 1
    assert a.min_s <= b.min_s and a.max_s <= b.max_s


def test_con_ventanilla_libre_el_maximo_no_es_una_atencion_completa():
    """Defecto: con una ventanilla libre el rango era [0, P90 de una atención] (≈ 2.3 × 15 min
    ≈ 35 min), así que una sola persona en la fila disparaba la alerta intradía. Quien será
    llamado ya espera lo que tarda la ventanilla libre en llamar, no una atención."""
    from turnos.dominio.espera import LLAMADO_LIBRE_S

    v = [VentanillaEstimada(1, ("A",), abierta=True, libre=True)]
    solo = [cand(1)]
    e = estimar(solo[0], solo, v, {"A": 900}, MIN)
    assert (e.personas_delante, e.min_s, e.punto_s) == (0, 0, 0)
    assert e.max_s == LLAMADO_LIBRE_S < 900
    # Dos libres y uno delante: también lo llaman ya.
    v2 = v + [VentanillaEstimada(2, ("A",), abierta=True, libre=True)]
    dos = [cand(1), cand(2, en_cola=MIN)]
    assert estimar(dos[1], dos, v2, {"A": 900}, 2 * MIN).max_s == LLAMADO_LIBRE_S
    # Atenciones muy cortas: nunca más que la salida de una ventanilla ocupada (el de antes).
    mixtas = [VentanillaEstimada(1, ("A",), abierta=True, libre=True),
              VentanillaEstimada(2, ("A",), abierta=True, libre=False)]  # fmt: skip
    corta = estimar(solo[0], solo, mixtas, {"A": 30}, MIN)
    assert corta.max_s == math.ceil(erlang_cuantil(0.9, 1, 1 / 30)) < LLAMADO_LIBRE_S

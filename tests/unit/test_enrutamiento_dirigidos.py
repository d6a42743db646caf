"""Turnos dirigidos (a una ventanilla o persona) y «al frente» en la política pura y en el
estimador (el mismo orden): propiedades con hypothesis."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from turnos.dominio.enrutamiento import (
    Candidato,
    Politica,
    fila_persona,
    fila_ventanilla,
    filas_de,
    ordenar,
    siguiente,
)
from turnos.dominio.espera import VentanillaEstimada, estimar, orden_predicho
from turnos.dominio.estados import Clase

MIN = 60_000
POL = Politica()
# Ventanilla 1 (atiende B y A) la atiende la persona 7; la ventanilla 2 (A), la persona 8.
FILAS_1 = filas_de(("B", "A"), 1, 7)
FILAS = ["A", "B", fila_ventanilla(1), fila_ventanilla(2), fila_persona(7), fila_persona(8)]

candidatos = st.lists(
    st.tuples(
        st.sampled_from(["general", "preferente", "cita"]),
        st.integers(0, 120).map(lambda m: m * MIN // 2),
        st.sampled_from(FILAS),
        st.sampled_from([None, 10 * 60, 30 * 60]),
        st.integers(-60, 60),
        st.booleans(),
    ),
    max_size=25,
)


def _armar(datos):
    return [
        Candidato(i, fila, Clase(cl), e, mx, e + c * MIN if cl == "cita" else None, frente)
        for i, (cl, e, fila, mx, c, frente) in enumerate(datos, start=1)
    ]


def test_filas_de_una_ventanilla():
    assert FILAS_1 == ("B", "A", "@v1", "@u7")
    assert filas_de(("A",), 3, None) == ("A", "@v3")


@settings(max_examples=300)
@given(candidatos)
def test_una_ventanilla_nunca_llama_lo_dirigido_a_otra(datos):
    cs = _armar(datos)
    orden = ordenar(cs, 70 * MIN, POL, FILAS_1, set(FILAS_1))
    assert all(c.tramite in FILAS_1 for c in orden)
    assert {c.id for c in orden} == {c.id for c in cs if c.tramite in FILAS_1}
    # los «al frente» primero, entre ellos por su llegada a esa posición
    frente = [c for c in orden if c.al_frente]
    assert orden[: len(frente)] == frente
    assert frente == sorted(frente, key=lambda c: (c.en_cola_ms, c.id))


@settings(max_examples=300)
@given(candidatos, st.sampled_from([0, 1, 5 * MIN, 12 * MIN]))
def test_orden_predicho_es_llamar_siguiente_tambien_con_dirigidos(datos, paso):
    """«El orden predicho = el orden en que `llamar` sirve», con dirigidos y al frente."""
    cs = _armar(datos)
    ahora = 70 * MIN
    esperado, restantes, reloj = [], list(cs), ahora
    while (s := siguiente(restantes, reloj, POL, FILAS_1, set(FILAS_1))) is not None:
        esperado.append(s.id)
        restantes.remove(s)
        reloj += paso
    propios = [c for c in cs if c.tramite in FILAS_1]
    assert [c.id for c in orden_predicho(propios, ahora, POL, FILAS_1, paso)] == esperado


def test_el_estimador_cuenta_lo_dirigido_solo_en_su_ventanilla():
    vents = [
        VentanillaEstimada(1, filas_de(("A",), 1, 7), abierta=True, libre=False),
        VentanillaEstimada(2, filas_de(("A",), 2, 8), abierta=True, libre=False),
    ]
    a = Candidato(1, "A", Clase.GENERAL, 0)
    dirigido = Candidato(2, fila_persona(8), Clase.GENERAL, 5 * MIN)
    frente = replace(dirigido, id=3, tramite=fila_ventanilla(1), al_frente=True, en_cola_ms=9 * MIN)
    medias = {"A": 600.0, "@u8": 600.0, "@v1": 600.0}
    cs = [a, dirigido, frente]
    assert estimar(frente, cs, vents, medias, 10 * MIN).personas_delante == 0
    # dirigido no es prioridad: en la ventanilla 2, A (esperó más) va antes
    assert estimar(dirigido, cs, vents, medias, 10 * MIN).personas_delante == 1
    # A lo atienden las dos: el al frente de la 1 le quita media ventanilla (redondeo: 1 o 0)
    assert estimar(a, cs, vents, medias, 10 * MIN).personas_delante in (0, 1)
    sin_persona = [vents[0], VentanillaEstimada(2, filas_de(("A",), 2, None), True, False)]
    assert estimar(dirigido, cs, sin_persona, medias, 10 * MIN).min_s is None  # nadie lo llama

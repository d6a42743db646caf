"""Camino rápido del estimador (turnos.dominio.delante): la mezcla por grupos FIFO da la misma
secuencia que `espera.orden_predicho` y, por tanto, la misma estimación, para cualquier mezcla
de trámites, clases, esperas máximas, paso del reloj y ventanillas."""

from hypothesis import given, settings
from hypothesis import strategies as st

from turnos.dominio.delante import filas_delante
from turnos.dominio.enrutamiento import Candidato, Politica
from turnos.dominio.espera import VentanillaEstimada, base_de, concluir, estimar, orden_predicho
from turnos.dominio.estados import Clase

MIN = 60_000

turnos_st = st.lists(
    st.tuples(
        st.sampled_from(["general", "preferente"]),
        st.integers(0, 240).map(lambda m: m * MIN // 4),  # llegadas con empates frecuentes
        st.sampled_from(["1", "2", "3"]),
    ),
    min_size=1,
    max_size=60,
)
maximas_st = st.fixed_dictionaries(
    {t: st.sampled_from([None, 5 * 60, 30 * 60, 60 * 60]) for t in ("1", "2", "3")}
)
politicas = st.sampled_from(
    [Politica(), Politica(prioridad_vencidos=False), Politica(ventaja_preferente_s=7 * 60)]
)
ventanillas_st = st.lists(
    st.tuples(
        st.lists(st.sampled_from(["1", "2", "3"]), min_size=1, max_size=3, unique=True),
        st.sampled_from([(True, True), (True, False), (False, False)]),
    ),
    min_size=1,
    max_size=4,
)
AHORAS = st.sampled_from([61 * MIN, 35 * MIN + 1, 90 * MIN + 1])
medias_st = st.fixed_dictionaries({t: st.sampled_from([0.0, 240.0, 600.0]) for t in "123"})


def _candidatos(datos, maximas):
    return [
        Candidato(i, t, Clase(cl), e, maximas[t]) for i, (cl, e, t) in enumerate(datos, start=1)
    ]


@settings(max_examples=400)
@given(
    turnos_st,
    maximas_st,
    politicas,
    st.sampled_from([0, 1, 3 * MIN, 10 * MIN]),
    st.sampled_from([(), ("2", "1"), ("3",)]),
    st.data(),
)
def test_misma_secuencia_que_orden_predicho(datos, maximas, pol, paso, orden, data):
    cs = _candidatos(datos, maximas)
    objetivo = data.draw(st.sampled_from(cs))
    ahora = data.draw(AHORAS)  # +1 ms: justo cuando alguien se vence (umbral incluido)
    esperado = []
    for c in orden_predicho(cs, ahora, pol, orden, paso, objetivo.id):
        if c.id == objetivo.id:
            break
        esperado.append(c.tramite)
    tuplas = [(c.id, c.tramite, c.clase.value, c.en_cola_ms) for c in cs]
    assert filas_delante(tuplas, objetivo.id, maximas, ahora, pol, orden, paso) == esperado


def test_sin_objetivo_no_hay_secuencia():
    assert filas_delante([(1, "1", "general", 0)], 2, {}, 0, Politica()) is None


@settings(max_examples=300)
@given(turnos_st, maximas_st, politicas, ventanillas_st, medias_st, st.data())
def test_misma_estimacion_que_el_camino_completo(datos, maximas, pol, vs, medias, data):
    """Lo que usa `servicios.estimacion`: `base_de` + `filas_delante` + `concluir` es `estimar`
    (personas delante, rango y punto idénticos, no «casi»)."""
    cs = _candidatos(datos, maximas)
    objetivo = data.draw(st.sampled_from(cs))
    vents = [
        VentanillaEstimada(i, tuple(ts), abierta, libre)
        for i, (ts, (abierta, libre)) in enumerate(vs, start=1)
    ]
    ahora = data.draw(AHORAS)
    llegadas = data.draw(st.sampled_from([{}, {"preferente": 0.002}]))
    completo = estimar(objetivo, cs, vents, medias, ahora, pol, llegadas)
    b = base_de(objetivo.tramite, vents, medias)
    if b is None:
        assert (completo.personas_delante, completo.min_s) == (0, None)
        return
    relevantes = [(c.id, c.tramite, c.clase.value, c.en_cola_ms) for c in cs if c.tramite in b.peso]
    filas = filas_delante(relevantes, objetivo.id, maximas, ahora, pol, b.orden_tramites, b.paso_ms)
    assert filas is not None
    assert concluir(objetivo, filas, b, medias, pol, llegadas) == completo


def test_se_vence_justo_en_el_umbral_como_en_orden_predicho():
    """Vencido desde en_cola + espera máxima + 1 ms, incluido (el general rebasa al preferente)."""
    maximas = {"1": 5 * 60, "2": None}
    cs = [
        Candidato(1, "1", Clase.GENERAL, 30 * MIN, 5 * 60),
        Candidato(2, "2", Clase.PREFERENTE, 31 * MIN),
    ]
    ahora = 35 * MIN + 1
    assert [c.id for c in orden_predicho(cs, ahora)] == [1, 2]
    tuplas = [(c.id, c.tramite, c.clase.value, c.en_cola_ms) for c in cs]
    assert filas_delante(tuplas, 2, maximas, ahora, Politica()) == ["1"]
    assert filas_delante(tuplas, 2, maximas, ahora - 1, Politica()) == []

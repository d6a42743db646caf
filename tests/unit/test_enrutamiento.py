"""Propiedades de la política de enrutamiento (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from turnos.dominio.enrutamiento import Candidato, Politica, ordenar, siguiente
from turnos.dominio.estados import Clase

MIN = 60_000
POL = Politica(ventaja_preferente_s=15 * 60, ventaja_cita_s=30 * 60, tolerancia_cita_s=10 * 60)


def cand(id, clase="general", en_cola=0, tramite="A", maxima=None, cita=None):
    return Candidato(id, tramite, Clase(clase), en_cola, maxima, cita)


def test_preferente_antes_que_general_de_la_misma_antiguedad():
    assert siguiente([cand(1), cand(2, "preferente")], 5 * MIN, POL).id == 2


def test_general_muy_antiguo_no_se_posterga_indefinidamente():
    # el general esperó 20 min más que el preferente: supera la ventaja de 15
    assert (
        siguiente([cand(1, en_cola=0), cand(2, "preferente", en_cola=20 * MIN)], 25 * MIN, POL).id
        == 1
    )


def test_vencido_sube_al_frente():
    viejo = cand(1, tramite="A", en_cola=0, maxima=10 * 60)  # lleva 12 min con máximo 10
    pref = cand(2, "preferente", en_cola=11 * MIN, tramite="B")
    assert siguiente([pref, viejo], 12 * MIN, POL).id == 1


def test_cita_a_tiempo_cuenta_desde_su_horario():
    temprano = cand(1, "cita", en_cola=0, cita=60 * MIN)  # llegó una hora antes de su cita
    general = cand(2, en_cola=15 * MIN)
    assert siguiente([temprano, general], 20 * MIN, POL).id == 2  # cita: -40 + 30 < 5
    otro = cand(3, en_cola=50 * MIN)
    assert siguiente([temprano, otro], 61 * MIN, POL).id == 1  # cita: 1 + 30 > 11


def test_cita_tarde_es_general():
    tarde = cand(1, "cita", en_cola=30 * MIN, cita=0)
    general = cand(2, en_cola=20 * MIN)
    assert siguiente([tarde, general], 31 * MIN, POL).id == 2


def test_vacio():
    assert siguiente([], 0, POL) is None


llegadas = st.lists(
    st.tuples(
        st.sampled_from(["general", "preferente"]), st.sampled_from(["A", "B"]), st.integers(0, 120)
    ),
    min_size=1,
    max_size=60,
)


def _simular(turnos_in, ventanillas, paso_min):
    """Cada `paso_min` cada ventanilla llama al siguiente de los que ya llegaron."""
    pendientes = {i: cand(i, c, m * MIN, t, 30 * 60) for i, (c, t, m) in enumerate(turnos_in)}
    llamados = []
    reloj = 0
    while pendientes and reloj < 10_000 * MIN:
        for servidos in ventanillas:
            presentes = [
                x for x in pendientes.values() if x.en_cola_ms <= reloj and x.tramite in servidos
            ]
            elegido = siguiente(presentes, reloj, POL, tuple(servidos))
            if elegido is not None:
                llamados.append((reloj, elegido))
                del pendientes[elegido.id]
        reloj += paso_min * MIN
    return llamados, pendientes


@settings(max_examples=150, deadline=None)
@given(llegadas, st.integers(1, 15))
def test_todos_se_llaman_una_sola_vez(turnos_in, paso):
    llamados, pendientes = _simular(turnos_in, [("A", "B"), ("B",), ("A",)], paso)
    ids = [c.id for _, c in llamados]
    assert not pendientes
    assert len(ids) == len(set(ids)) == len(turnos_in)


@settings(max_examples=150, deadline=None)
@given(llegadas, st.integers(1, 15))
def test_fifo_dentro_de_clase_y_tramite(turnos_in, paso):
    llamados, _ = _simular(turnos_in, [("A", "B")], paso)
    vistos = {}
    for _, c in llamados:
        clave = (c.tramite, c.clase)
        if clave in vistos:
            assert (vistos[clave].en_cola_ms, vistos[clave].id) <= (c.en_cola_ms, c.id)
        vistos[clave] = c


@settings(max_examples=150, deadline=None)
@given(llegadas, st.integers(1, 15))
def test_sin_inanicion_espera_acotada(turnos_in, paso):
    # Con una ventanilla que atiende todo, nadie espera más que la cola que tenía delante
    # más la ventaja preferente: ningún general es rebasado por un preferente que llegó
    # más de 15 minutos después que él, salvo que ese preferente estuviera vencido.
    llamados, _ = _simular(turnos_in, [("A", "B")], paso)
    for i, (t1, c1) in enumerate(llamados):
        for _t2, c2 in llamados[i + 1 :]:
            if c1.clase is Clase.PREFERENTE and c2.clase is Clase.GENERAL and c2.en_cola_ms <= t1:
                vencido = t1 - c1.en_cola_ms > 30 * MIN
                assert vencido or c1.en_cola_ms - c2.en_cola_ms <= 15 * MIN


@given(st.lists(st.integers(0, 1000), min_size=2, max_size=20, unique=True))
def test_orden_es_total_y_determinista(tiempos):
    cs = [cand(i, "general", t * MIN) for i, t in enumerate(tiempos)]
    assert ordenar(cs, 2000 * MIN, POL) == ordenar(list(reversed(cs)), 2000 * MIN, POL)
    assert ordenar(cs, 2000 * MIN, POL)[0].en_cola_ms == min(tiempos) * MIN

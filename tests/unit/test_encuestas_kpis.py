"""CSAT e intervalo de Wilson (docs/KPIS.md) contra valores publicados y calculados a mano."""

import pytest

from encuestas import kpis


@pytest.mark.parametrize(
    ("exitos", "n", "inferior", "superior"),
    [
        (8, 10, 0.4902, 0.9433),  # ejemplo clásico (Newcombe 1998)
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (2, 3, 0.2077, 0.9385),
    ],
)
def test_wilson(exitos, n, inferior, superior):
    a, b = kpis.wilson(exitos, n)
    assert a == pytest.approx(inferior, abs=1e-4) and b == pytest.approx(superior, abs=1e-4)


def test_csat_es_la_proporcion_de_4_y_5():
    c = kpis.csat([5, 4, 3, 2, 1, 4, 5, 5])
    assert (c.n, c.satisfechos, c.proporcion, c.promedio) == (8, 5, 0.625, 3.625)
    assert kpis.csat([]).proporcion is None and kpis.texto_csat(kpis.csat([])) == "sin respuestas"
    assert kpis.texto_csat(kpis.csat([4] * 8 + [1, 2])) == "80.0 % (n = 10; IC 95 %: 49.0–94.3 %)"


@pytest.mark.parametrize(
    ("segundos", "tramo"),
    [(0, "0–5 min"), (299, "0–5 min"), (300, "5–10 min"), (3599, "45–60 min"), (3600, "60+ min")],
)
def test_tramos_de_espera(segundos, tramo):
    assert kpis.tramo_espera(segundos) == tramo

"""Alerta intradía del tablero: el P90 previsto del último en la fila rebasa la meta del trámite
(issue 13, punto 4). A: meta de espera 30 min, atención 15 min (sin historia, la del catálogo)."""

from metricas import tablero
from tests.conftest import AHORA, minutos
from turnos.servicios import emision, ventanillas


def _alertas(alm):
    e = tablero.estado(alm, "prueba", minutos(5))
    return [a["texto"] for a in e["alertas"]], {t["clave"]: t for t in e["tramites"]}


def test_alerta_cuando_el_p90_previsto_rebasa_la_meta(alm, centro):
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    alertas, filas = _alertas(alm)
    # Sin fila: nada previsto, nada que alertar.
    assert not [a for a in alertas if "Abra una ventanilla más" in a]
    assert filas["A"]["nivel"] == "ok" and filas["A"]["espera_prevista_p90"] == "—"
    for i in range(4):
        emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1 + i))
    alertas, filas = _alertas(alm)
    # Tres delante a 15 min cada uno con una ventanilla: el P90 rebasa los 30 min de la meta,
    # aunque nadie lleva aún más de 5 min esperando (la alerta de «espera más antigua» no sale).
    assert any("Abra una ventanilla más" in a and "(meta 30 min)" in a for a in alertas)
    assert not any("espera más antigua" in a for a in alertas)
    assert filas["A"]["nivel"] == "alerta" and filas["A"]["espera_prevista_p90"] != "—"
    assert filas["B"]["espera_prevista_p90"] == "—"  # B sin fila (y sin meta)


def test_una_persona_con_ventanilla_libre_no_dispara_la_alerta(alm, centro):
    """Defecto: con la ventanilla libre el P90 era el de una atención completa (≈ 35 min > 30):
    una sola persona en la fila pedía abrir otra ventanilla."""
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))
    alertas, filas = _alertas(alm)
    assert not [a for a in alertas if "Abra una ventanilla más" in a]
    assert filas["A"]["nivel"] == "ok" and filas["A"]["espera_prevista_p90"] != "—"

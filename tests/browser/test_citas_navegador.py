"""`/citas` en Chromium real (teléfono 390×844) contra uvicorn real: la reserva completa con el
teclado virtual y toques, y axe en cada paso sin violaciones serias ni críticas."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from citas import configuracion
from tests.browser.test_kiosco_navegador import CELULAR, serias
from tests.citas_apoyo import curp
from tests.conftest import sembrar_centro
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = f"sqlite:///{tmp_path_factory.mktemp('citas') / 'turnos.db'}"
    motor = crear_motor(db)
    migrar(motor)
    alm = Almacen(motor)
    centro = sembrar_centro(alm)
    configuracion.guardar_agenda(alm, "prueba", "A", centro.jefe, datetime.now(UTC), lugares=2)
    with servidor(db) as srv:
        yield srv.url
    motor.dispose()


def _paso(p: Any, fallas: dict[str, list[str]], nombre: str) -> None:
    p.locator("h1").wait_for()
    fallas[nombre] = serias(p)


def test_reserva_completa_en_el_celular(navegador, url):
    contexto = navegador.new_context(viewport=CELULAR, locale="es-MX", timezone_id="Asia/Tokyo")
    p = contexto.new_page()
    fallas: dict[str, list[str]] = {}
    p.goto(f"{url}/citas")
    _paso(p, fallas, "centro")
    p.get_by_role("link", name="Centro de prueba").click()
    _paso(p, fallas, "tramite")
    p.get_by_role("link", name="Trámite A").click()
    _paso(p, fallas, "dia")
    assert p.locator("h1").inner_text() == "¿Qué día?"
    p.locator(".opciones a").first.click()
    _paso(p, fallas, "hora")
    hora = p.locator(".opciones a .texto").first.inner_text()
    p.locator(".opciones a").first.click()
    _paso(p, fallas, "datos")
    # la hora es la del centro aunque el teléfono esté en otra zona (Tokio)
    assert f"{hora} h" in p.locator(".subtitulo").inner_text()
    p.get_by_label("Nombre completo").fill("Ana López")
    p.get_by_label("CURP").fill("HEGG560427XVZRRL04")  # X con dígito malo
    p.get_by_role("button", name="Confirmar mi cita").click()
    _paso(p, fallas, "error")
    assert "último dígito" in p.get_by_role("alert").inner_text()
    assert p.get_by_label("Nombre completo").input_value() == "Ana López"
    p.get_by_label("CURP").fill(curp(3, "X"))
    p.get_by_label("Correo electrónico (opcional)").fill("ana@example.mx")
    p.get_by_role("button", name="Confirmar mi cita").click()
    _paso(p, fallas, "confirmacion")
    assert p.locator("h1").inner_text() == "¡Su cita quedó agendada!"
    assert p.locator(".folio").inner_text().startswith("C-")
    assert p.get_by_role("img", name="Código QR").is_visible()
    boton = p.get_by_role("link", name="Cancelar mi cita").bounding_box()
    assert boton is not None and boton["height"] >= 44
    ancho = p.evaluate("document.documentElement.scrollWidth")
    assert ancho <= CELULAR["width"]  # nada se sale de la pantalla del teléfono
    # cancelar pide confirmación antes de liberar el lugar
    p.get_by_role("link", name="Cancelar mi cita").click()
    _paso(p, fallas, "confirmar_cancelar")
    assert "¿Seguro que quiere cancelar su cita?" in p.get_by_role("alertdialog").inner_text()
    p.get_by_role("button", name="Sí, cancelar mi cita").click()
    assert "quedó cancelada" in p.locator("main").inner_text()
    contexto.close()
    assert {k: v for k, v in fallas.items() if v} == {}

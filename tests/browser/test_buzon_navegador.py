"""El buzón en Chromium real contra uvicorn real: una queja desde el teléfono (390×844) y una
denuncia anónima desde el kiosco (tocando el botón del kiosco), el seguimiento con folio y
clave, y axe en cada paso sin violaciones serias ni críticas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_kiosco_navegador import CELULAR, VERTICAL, serias
from tests.buzon_apoyo import con_catalogo
from tests.conftest import sembrar_centro
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def entorno(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    db = f"sqlite:///{tmp_path_factory.mktemp('buzon') / 'turnos.db'}"
    motor = crear_motor(db)
    migrar(motor)
    alm = Almacen(motor)
    centro = sembrar_centro(alm)
    con_catalogo(alm)
    with servidor(db) as srv:
        yield srv.url, centro
    motor.dispose()


def _paso(p: Any, fallas: dict[str, list[str]], nombre: str) -> None:
    p.locator("h1").wait_for()
    fallas[nombre] = serias(p)


def test_queja_desde_el_telefono_y_seguimiento(navegador, entorno):
    url, _ = entorno
    contexto = navegador.new_context(viewport=CELULAR, locale="es-MX")
    p = contexto.new_page()
    fallas: dict[str, list[str]] = {}
    p.goto(f"{url}/buzon/prueba")
    _paso(p, fallas, "formulario")
    assert "Aviso de privacidad" in p.locator(".privacidad").inner_text()
    p.get_by_label("Queja").check()
    p.get_by_label("Asunto (opcional)").select_option("trato")
    p.get_by_label("Cuéntenos qué pasó o qué propone").fill("Me atendieron con prisa")
    p.get_by_label("Correo electrónico").fill("ana@example.mx")
    boton = p.get_by_role("button", name="Enviar").bounding_box()
    assert boton is not None and boton["height"] >= 44
    assert p.evaluate("document.documentElement.scrollWidth") <= CELULAR["width"]
    p.get_by_role("button", name="Enviar").click()
    _paso(p, fallas, "recibida")
    folio = p.locator('[data-campo="folio"]').inner_text()
    clave = p.locator('[data-campo="clave"]').inner_text()
    assert folio.startswith("PRUEBA-") and len(clave) == 14
    p.get_by_role("link", name="Consultar mi caso").click()
    _paso(p, fallas, "seguimiento")
    p.get_by_label("Folio").fill(folio)
    p.get_by_label("Clave secreta").fill(clave.lower())  # sin importar mayúsculas
    p.get_by_role("button", name="Consultar").click()
    _paso(p, fallas, "caso")
    assert "Canalizada" in p.locator('[data-campo="estado"]').inner_text()
    assert "clave" not in p.url.lower()
    p.get_by_label("Agregar información a su caso").fill("Fue en la ventanilla 2")
    p.get_by_role("button", name="Agregar").click()
    _paso(p, fallas, "agregado")
    assert "Fue en la ventanilla 2" in p.locator(".historia").inner_text()
    contexto.close()
    assert {k: v for k, v in fallas.items() if v} == {}


def test_denuncia_anonima_desde_el_kiosco(navegador, entorno):
    url, centro = entorno
    contexto = navegador.new_context(viewport=VERTICAL, locale="es-MX")
    p = contexto.new_page()
    fallas: dict[str, list[str]] = {}
    p.goto(f"{url}/kiosco/prueba?token={centro.kiosco_token}")
    p.get_by_role("link", name="Buzón ciudadano: quejas, sugerencias y denuncias").click()
    _paso(p, fallas, "formulario")
    p.get_by_label("Denuncia de corrupción").check()
    p.get_by_label("Cuéntenos qué pasó o qué propone").fill("Me pidieron dinero por el trámite")
    p.get_by_label("Prefiero no dar mis datos (anónima)").check()
    p.get_by_role("button", name="Enviar").click()
    _paso(p, fallas, "recibida")
    assert p.locator('[data-campo="folio"]').inner_text().startswith("PRUEBA-")
    p.get_by_role("link", name="Volver al kiosco").click()
    p.locator("h1").first.wait_for()
    assert "/kiosco/prueba" in p.url
    contexto.close()
    assert {k: v for k, v in fallas.items() if v} == {}

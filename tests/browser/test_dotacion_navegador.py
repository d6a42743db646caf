"""En Chromium real: la página de dotación, con datos, sin violaciones serias de axe."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_tablero_navegador import vivo  # noqa: F401 - fixture
from tests.e2e.test_dotacion import _historia

pytestmark = pytest.mark.browser


def test_dotacion_sin_violaciones_serias_de_axe(pagina, vivo) -> None:  # noqa: F811
    from tests.browser.test_kiosco_navegador import serias

    srv, centro = vivo
    _historia(srv.config.app.state.alm, centro)  # el almacén de la app que sirve
    pagina.goto(f"{srv.url}/tablero/prueba/dotacion?fecha=2026-11-23")
    pagina.get_by_label("Usuario").fill("jefe-prueba")
    pagina.get_by_label("Contraseña").fill("contrasena-segura")
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url(re.compile(r"/tablero/prueba/dotacion"))
    assert pagina.get_by_role("cell", name="Trámite A").count() == 1
    assert serias(pagina) == []

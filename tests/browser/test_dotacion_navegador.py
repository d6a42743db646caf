"""En Chromium real: la página de dotación, con historia y citas reservadas (columnas del plan),
sin violaciones serias de axe."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_tablero_navegador import vivo  # noqa: F401 - fixture
from tests.e2e.test_dotacion import _historia

pytestmark = pytest.mark.browser


def test_dotacion_sin_violaciones_serias_de_axe(pagina, vivo) -> None:  # noqa: F811
    from tests.browser.test_kiosco_navegador import serias

    srv, centro = vivo
    from citas import reservas
    from tests.citas_apoyo import con_agenda, datos
    from tests.conftest import AHORA

    alm = srv.config.app.state.alm  # el almacén de la app que sirve
    _historia(alm, centro)
    con_agenda(alm, centro)
    reservas.crear(alm, "prueba", datos(1, hora=10), AHORA)
    pagina.goto(f"{srv.url}/tablero/prueba/dotacion?fecha=2026-11-24")
    pagina.get_by_label("Usuario").fill("jefe-prueba")
    pagina.get_by_label("Contraseña").fill("contrasena-segura")
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url(re.compile(r"/tablero/prueba/dotacion"))
    assert pagina.get_by_role("cell", name="Trámite A").count() == 1
    assert pagina.get_by_role("columnheader", name="Citas reservadas").count() == 1
    assert pagina.get_by_role("columnheader", name="Nivel de servicio del plan").count() == 1
    assert serias(pagina) == []

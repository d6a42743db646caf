"""/pantalla/{centro} de la app real en Chromium: llamados hechos por la API se ven y se anuncian."""

import time

import httpx
import pytest

from tests.browser.test_pantalla import GRABADORA, VOZ_MX
from tests.conftest import sembrar_centro
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor

pytestmark = pytest.mark.browser


def test_llamados_de_ventanilla_se_anuncian_en_orden(pagina, tmp_path):
    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(url)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    with servidor(url) as s:
        k = httpx.Client(base_url=s.url, headers={"Authorization": f"Bearer {centro.kiosco_token}"})
        vs = [
            httpx.Client(base_url=s.url, headers={"Authorization": f"Bearer {t}"})
            for t in centro.staff_tokens
        ]
        for t in "ABA":
            k.post("/api/v1/centros/prueba/turnos", json={"tramite": t})
        pagina.add_init_script(GRABADORA % VOZ_MX)
        pagina.goto(f"{s.url}/pantalla/prueba?token={centro.pantalla_token}")
        pagina.wait_for_selector("body[data-conectado=si][data-seq]")
        for n, v in enumerate(vs, 1):  # tres llamados seguidos desde tres ventanillas
            v.post(f"/api/v1/centros/prueba/ventanillas/{n}/abrir")
            assert v.post(f"/api/v1/centros/prueba/ventanillas/{n}/llamar").status_code == 200
        limite = time.monotonic() + 20
        while len(pagina.evaluate("window.__dichos")) < 3:
            assert time.monotonic() < limite, pagina.evaluate("window.__dichos")
            pagina.wait_for_timeout(50)
        dichos = [d["texto"] for d in pagina.evaluate("window.__dichos")]
        assert dichos == [
            "Turno a 1, Ventanilla 1",
            "Turno be 1, Ventanilla 2",
            "Turno a 2, Ventanilla 3",
        ]
        assert pagina.text_content("#actual-folio") == "A-002"
        assert "Persona 1" not in pagina.content()  # nombres del personal nunca en pantalla
        pagina.wait_for_timeout(300)
        assert len(pagina.evaluate("window.__dichos")) == 3

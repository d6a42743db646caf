"""El trabajador de correos corre dentro de la app real: una reserva por la API llega al servidor
SMTP real sin esperar la vuelta; sin SMTP, los mensajes se ven en /admin/correos-citas."""

from __future__ import annotations

import time

from starlette.testclient import TestClient

from tests.citas_apoyo import con_agenda, datos
from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from tests.integration.test_citas_correo import smtp  # noqa: F401 - fixture
from turnos.settings import Settings
from turnos.web.app import crear_app


def test_la_reserva_sale_por_smtp_desde_la_app(alm, centro, db_url, smtp):  # noqa: F811
    buzon, url = smtp
    con_agenda(alm, centro)
    app = crear_app(Settings(db=db_url, secreto="s", smtp_url=url), reloj=lambda: AHORA)
    with TestClient(app) as cliente:
        r = cliente.post("/api/v1/centros/prueba/citas", json=datos(1, correo="a@example.mx"))
        assert r.status_code == 201
        limite = time.monotonic() + 20
        while not buzon.mensajes and time.monotonic() < limite:
            time.sleep(0.05)
    assert len(buzon.mensajes) == 1 and r.json()["folio"] in buzon.mensajes[0]["Subject"]


def test_sin_smtp_los_correos_se_ven_en_admin(alm, centro, cliente):
    con_agenda(alm, centro)
    r = cliente.post("/api/v1/centros/prueba/citas", json=datos(1, correo="a@example.mx"))
    folio = r.json()["folio"]
    assert cliente.get("/admin/correos-citas", follow_redirects=False).status_code == 303
    r = cliente.get("/admin/correos-citas", headers=bearer(centro.jefe_token))
    assert r.status_code == 200 and f"Su cita {folio} quedó agendada" in r.text
    assert "no se envían" in r.text and "a@example.mx" in r.text
    r = cliente.get("/admin/correos-citas", headers=bearer(centro.staff_tokens[0]))
    assert r.status_code == 403

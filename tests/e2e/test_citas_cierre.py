"""La cita sigue a su turno por la app real: cuando la ventanilla finaliza el turno de la cita,
la cita pasa a `atendida` en la misma transacción (con su evento, sin datos personales); si la
marcan ausente, a `no_presentada`; /t/{token} muestra el folio de la cita."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from citas import reservas
from tests.citas_apoyo import con_agenda, datos
from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from turnos.servicios import ventanillas
from turnos.settings import Settings
from turnos.web.app import crear_app

CITA_9 = datetime.fromisoformat("2026-11-24T09:00:00-06:00")


@pytest.fixture
def reloj():
    return [AHORA]


@pytest.fixture
def cliente(alm, centro, db_url, reloj):
    app = crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: reloj[0])
    with TestClient(app) as c:
        yield c


def _accion(cliente, centro, accion):
    r = cliente.post(
        f"/api/v1/centros/prueba/ventanillas/1/{accion}",
        json={},
        headers=bearer(centro.staff_tokens[0]),
    )
    assert r.status_code in (200, 201), r.text
    return r.json()


def _registrar(cliente, centro, folio):
    r = cliente.post(
        "/api/v1/kiosco/prueba/citas", json={"folio": folio}, headers=bearer(centro.kiosco_token)
    )
    assert r.status_code == 201, r.text
    return r.json()


def _cita(alm, folio):
    with alm.lectura() as c:
        return c.execute(
            text("SELECT estado, turno_id FROM cita WHERE folio = :f"), {"f": folio}
        ).one()


def test_turno_finalizado_deja_la_cita_atendida(alm, centro, cliente, reloj):
    con_agenda(alm, centro)
    a = reservas.crear(alm, "prueba", datos(1), AHORA)
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    reloj[0] = CITA_9
    turno = _registrar(cliente, centro, a["folio"])

    # /t/{token}: el folio de la cita a la vista del titular del ticket
    with alm.lectura() as c:
        token = c.execute(
            text("SELECT token FROM turno WHERE id = :t"), {"t": _cita(alm, a["folio"]).turno_id}
        ).scalar_one()
    publico = cliente.get(f"/api/v1/turnos/{token}").json()
    assert publico["cita"] == {
        "folio": a["folio"],
        "inicio": "2026-11-24T09:00:00-06:00",
        "estado": "registrada",
    }
    pagina = cliente.get(f"/t/{token}")
    assert pagina.status_code == 200 and a["folio"] in pagina.text and "09:00" in pagina.text
    assert "Persona 1" not in pagina.text

    assert _accion(cliente, centro, "llamar")["folio"] == turno["ticket"]["folio"]
    _accion(cliente, centro, "iniciar")
    assert _cita(alm, a["folio"]).estado == "registrada"
    _accion(cliente, centro, "finalizar")
    assert _cita(alm, a["folio"]).estado == "atendida"
    assert reservas.estado(alm, a["token"])["estado"] == "atendida"
    with alm.lectura() as c:
        ev = c.execute(
            text("SELECT turno_id, datos FROM evento WHERE tipo = 'cita_atendida'")
        ).all()
    assert len(ev) == 1 and ev[0].turno_id == _cita(alm, a["folio"]).turno_id
    assert "Persona 1" not in str(ev[0].datos) and "HEGG" not in str(ev[0].datos)
    assert cliente.get(f"/api/v1/turnos/{token}").json()["cita"]["estado"] == "atendida"


def test_turno_ausente_deja_la_cita_no_presentada_y_un_turno_general_no_toca_citas(
    alm, centro, cliente, reloj
):
    con_agenda(alm, centro)
    a = reservas.crear(alm, "prueba", datos(2), AHORA)
    b = reservas.crear(alm, "prueba", datos(3, hora=11), AHORA)
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    reloj[0] = CITA_9
    _registrar(cliente, centro, a["folio"])
    _accion(cliente, centro, "llamar")
    _accion(cliente, centro, "rellamar")  # salvaguarda de ausente
    _accion(cliente, centro, "ausente")
    assert _cita(alm, a["folio"]).estado == "no_presentada"

    general = cliente.post(
        "/api/v1/kiosco/prueba/turnos", json={"tramite": "A"}, headers=bearer(centro.kiosco_token)
    )
    assert general.status_code == 201, general.text
    _accion(cliente, centro, "llamar")
    _accion(cliente, centro, "finalizar")
    assert _cita(alm, b["folio"]).estado == "agendada"
    with alm.lectura() as c:
        tipos = c.execute(
            text(
                "SELECT tipo FROM evento WHERE tipo IN ('cita_agendada', 'cita_registrada', 'cita_no_presentada', 'cita_atendida') ORDER BY seq"
            )
        ).scalars()
        assert list(tipos) == [
            "cita_agendada",
            "cita_agendada",
            "cita_registrada",
            "cita_no_presentada",
        ]


def test_reincorporar_el_turno_ausente_devuelve_la_cita_a_registrada(alm, centro, cliente, reloj):
    """El gancho de reapertura (capacidades.al_reabrir_turno): deshacer «no se presentó» deja la
    cita coherente con su turno, y al finalizarlo la cita queda atendida (una sola vez)."""
    from datetime import timedelta

    con_agenda(alm, centro)
    a = reservas.crear(alm, "prueba", datos(2), AHORA)
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    reloj[0] = CITA_9
    ticket = _registrar(cliente, centro, a["folio"])
    _accion(cliente, centro, "llamar")
    _accion(cliente, centro, "rellamar")
    _accion(cliente, centro, "ausente")
    assert _cita(alm, a["folio"]).estado == "no_presentada"
    reloj[0] = CITA_9 + timedelta(minutes=2)
    r = _accion(cliente, centro, "reincorporar")
    assert r["estado"] == "en_espera"
    assert _cita(alm, a["folio"]).estado == "registrada"
    with alm.lectura() as c:
        token = c.execute(
            text("SELECT token FROM turno WHERE id = :t"), {"t": _cita(alm, a["folio"]).turno_id}
        ).scalar_one()
    publico = cliente.get(f"/api/v1/turnos/{token}").json()
    assert publico["estado"] == "en_espera" and publico["cita"]["estado"] == "registrada"
    assert _accion(cliente, centro, "llamar")["folio"] == ticket["ticket"]["folio"]
    _accion(cliente, centro, "finalizar")
    assert _cita(alm, a["folio"]).estado == "atendida"
    with alm.lectura() as c:
        tipos = list(
            c.execute(
                text(
                    "SELECT tipo FROM evento WHERE tipo LIKE 'cita_%'"
                    " AND tipo <> 'cita_agenda_guardada' ORDER BY seq"
                )
            ).scalars()
        )
    assert tipos == [
        "cita_agendada",
        "cita_registrada",
        "cita_no_presentada",
        "cita_reincorporada",
        "cita_atendida",
    ]

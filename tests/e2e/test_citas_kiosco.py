"""Registro de la cita en el kiosco por la app real: temprano, a tiempo, dos veces, tarde; el
turno es de clase `cita` con la hora del horario (la política lo adelanta); inasistencias."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from citas import registro, reservas
from tests.citas_apoyo import con_agenda, datos
from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from turnos.servicios import atencion, emision, ventanillas
from turnos.settings import Settings
from turnos.web.app import crear_app

CITA_9 = datetime.fromisoformat("2026-11-24T09:00:00-06:00")


@pytest.fixture
def reloj():
    return [AHORA]


@pytest.fixture
def cliente_reloj(alm, centro, db_url, reloj):
    app = crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: reloj[0])
    with TestClient(app) as c:
        yield c


def _registrar(cliente, centro, folio):
    return cliente.post(
        "/api/v1/kiosco/prueba/citas", json={"folio": folio}, headers=bearer(centro.kiosco_token)
    )


def test_registro_temprano_a_tiempo_dos_veces_y_tarde(alm, centro, cliente_reloj, reloj):
    con_agenda(alm, centro)
    a = reservas.crear(alm, "prueba", datos(1), AHORA)
    b = reservas.crear(alm, "prueba", datos(2), AHORA)
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)

    reloj[0] = CITA_9 - timedelta(minutes=40)
    r = _registrar(cliente_reloj, centro, a["folio"])
    assert r.status_code == 409 and r.json()["error"] == "cita_temprana"
    assert "08:30" in r.json()["mensaje"]
    assert (
        cliente_reloj.post("/api/v1/kiosco/prueba/citas", json={"folio": a["folio"]}).status_code
        == 401
    )

    # un turno general llega antes; la cita a tiempo pasa primero (ventaja de cita)
    general = emision.emitir(alm, "prueba", "A", centro.kiosco, CITA_9 - timedelta(minutes=15))
    reloj[0] = CITA_9 - timedelta(minutes=10)
    r = _registrar(cliente_reloj, centro, a["folio"].lower().replace("-", " "))
    assert r.status_code == 201, r.text
    cuerpo = r.json()
    assert cuerpo["ticket"]["clase"] == "cita" and cuerpo["ticket"]["folio"] == "A-002"
    assert cuerpo["cita"] == {"folio": a["folio"], "inicio": "2026-11-24T09:00:00-06:00"}
    assert {"impresion", "regreso_s"} <= set(cuerpo)
    # lo entregó el kiosco (su vista del ticket, con QR), por el punto del núcleo
    assert cuerpo["ticket"]["clase_texto"] == "Cita programada" and "qr" in cuerpo["ticket"]

    r = _registrar(cliente_reloj, centro, a["folio"])
    assert r.status_code == 409 and r.json()["error"] == "cita_registrada"

    llamado = atencion.llamar(alm, "prueba", 1, centro.staff[0], CITA_9)
    assert llamado is not None and llamado["folio"] == "A-002" != general["folio"]

    with alm.lectura() as c:
        t = c.execute(text("SELECT * FROM turno WHERE folio = 'A-002'")).one()
        ci = c.execute(
            text("SELECT estado, turno_id FROM cita WHERE folio = :f"), {"f": a["folio"]}
        ).one()
        ev = c.execute(text("SELECT turno_id FROM evento WHERE tipo = 'cita_registrada'")).one()
    assert (t.clase, t.origen, t.cita_ms) == ("cita", "cita", int(CITA_9.timestamp() * 1000))
    assert ci.estado == "registrada" and ci.turno_id == t.id == ev.turno_id
    assert reservas.estado(alm, a["token"])["estado"] == "registrada"

    reloj[0] = CITA_9 + timedelta(minutes=16)
    r = _registrar(cliente_reloj, centro, b["folio"])
    assert r.status_code == 409 and r.json()["error"] == "cita_tarde"
    assert "turno general" in r.json()["mensaje"]
    r = _registrar(cliente_reloj, centro, "C-AAAAAA")
    assert r.status_code == 404 and r.json()["error"] == "cita_no_encontrada"


def test_inasistencias_idempotentes(alm, centro):
    con_agenda(alm, centro)
    a = reservas.crear(alm, "prueba", datos(1), AHORA)
    b = reservas.crear(alm, "prueba", datos(2, hora=11), AHORA)
    assert registro.marcar_inasistencias(alm, CITA_9 + timedelta(minutes=15)) == 0
    assert registro.marcar_inasistencias(alm, CITA_9 + timedelta(minutes=16)) == 1
    assert registro.marcar_inasistencias(alm, CITA_9 + timedelta(minutes=30)) == 0
    assert reservas.estado(alm, a["token"])["estado"] == "no_presentada"
    assert reservas.estado(alm, b["token"])["estado"] == "agendada"
    with alm.lectura() as c:
        n = c.execute(
            text("SELECT count(*) FROM evento WHERE tipo = 'cita_no_presentada'")
        ).scalar()
    assert n == 1


def test_recepcion_registra_con_su_token(alm, centro, cliente_reloj, reloj):
    con_agenda(alm, centro)
    a = reservas.crear(alm, "prueba", datos(5), AHORA)
    reloj[0] = CITA_9
    r = cliente_reloj.post(
        "/api/v1/kiosco/prueba/citas",
        json={"folio": a["folio"]},
        headers=bearer(centro.staff_tokens[0]),
    )
    assert r.status_code == 201 and r.json()["ticket"]["clase"] == "cita"
    otro = reservas.crear(alm, "prueba", datos(6), AHORA)
    r = cliente_reloj.post(
        "/api/v1/kiosco/prueba/citas",
        json={"folio": otro["folio"]},
        headers=bearer(centro.pantalla_token),  # una pantalla no emite turnos
    )
    assert r.status_code == 403

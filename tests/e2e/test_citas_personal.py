"""Agenda del día para el personal por la app real: /ventanilla (con nombres) y /tablero (sin
nombres) muestran quién se espera, quién llegó y quién va tarde; el personal agenda a nombre de
quien llama o llega en /citas-personal/{centro} (CSRF, rol que opera, evento con su usuario)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from citas import hoy, registro, reservas
from tests.citas_apoyo import con_agenda, curp, datos
from tests.conftest import AHORA
from tests.e2e.test_paginas_personal import csrf, entrar
from turnos.settings import Settings
from turnos.web.app import crear_app

DIA = datetime.fromisoformat("2026-11-24T08:00:00-06:00")


@pytest.fixture
def reloj():
    return [AHORA]


@pytest.fixture
def cliente(alm, centro, db_url, reloj):
    app = crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: reloj[0])
    with TestClient(app, follow_redirects=False) as c:
        yield c


def _filas(html):
    """(folio, situación) de la tabla de citas de hoy, en orden."""
    import re

    return re.findall(r'class="cita-(\w+)" data-folio="([^"]+)"', html)


def test_situacion_pura():
    assert hoy.situacion("agendada", 1_000_000, 1_000_000, 15) == "esperada"
    assert hoy.situacion("agendada", 1_000_000, 1_000_001, 15) == "tarde"
    assert hoy.situacion("agendada", 1_000_000, 1_000_000 + 15 * 60_000, 15) == "tarde"
    assert hoy.situacion("agendada", 1_000_000, 1_000_001 + 15 * 60_000, 15) == "no_llego"
    assert hoy.situacion("registrada", 1_000_000, 0, 15) == "llego"
    assert hoy.situacion("no_presentada", 1_000_000, 0, 15) == "no_llego"
    assert hoy.situacion("atendida", 1_000_000, 0, 15) == "atendida"


def test_ventanilla_y_tablero_muestran_la_agenda_del_dia(alm, centro, cliente, reloj):
    con_agenda(alm, centro)
    a = reservas.crear(alm, "prueba", datos(1, hora=9), AHORA)  # llegará
    b = reservas.crear(alm, "prueba", datos(2, hora=9, minuto=30), AHORA)  # va tarde
    c = reservas.crear(alm, "prueba", datos(3, hora=11), AHORA)  # se espera
    reservas.cancelar(alm, reservas.crear(alm, "prueba", datos(4, hora=10), AHORA)["token"], AHORA)
    otro_dia = reservas.crear(
        alm, "prueba", {**datos(5), "inicio": "2026-11-25T09:00:00-06:00"}, AHORA
    )
    registro.registrar(alm, "prueba", a["folio"], centro.kiosco, DIA + timedelta(minutes=55))
    reloj[0] = DIA + timedelta(minutes=95)  # 09:35: B va tarde (tolerancia 15 min)

    assert entrar(cliente, "v1-prueba").status_code == 303
    pagina = cliente.get("/ventanilla").text
    assert _filas(pagina) == [
        ("llego", a["folio"]),
        ("tarde", b["folio"]),
        ("esperada", c["folio"]),
    ]
    assert "Persona 1" in pagina and "Persona 2" in pagina and "(08:55)" in pagina
    assert "Persona 4" not in pagina and otro_dia["folio"] not in pagina
    assert "Se espera: 1 · Va tarde: 1 · No llegó: 0 · Llegó: 1 · Atendida: 0" in pagina
    assert "HEGG" not in pagina  # nunca la CURP

    reloj[0] = DIA + timedelta(minutes=106)  # 09:46: B ya no llegó
    cliente.cookies.clear()
    assert entrar(cliente, "jefe-prueba").status_code == 303
    tablero = cliente.get("/tablero/prueba").text
    assert ("no_llego", b["folio"]) in _filas(tablero)
    assert "Citas de hoy" in tablero and "Persona 2" not in tablero  # el tablero sin nombres

    # nunca en pantallas públicas ni en la vista pública de un turno
    assert "Citas de hoy" not in cliente.get("/pantalla/prueba").text


def test_personal_agenda_a_nombre_de_quien_llama(alm, centro, cliente):
    con_agenda(alm, centro)
    assert cliente.get("/citas-personal/prueba").status_code == 303  # sin sesión: al login
    assert entrar(cliente, "v1-prueba").status_code == 303
    pagina = cliente.get("/citas-personal/prueba")
    assert pagina.status_code == 200 and "Agendar a nombre de alguien" in pagina.text
    formulario = {
        "tramite": "A",
        "fecha": "2026-11-24",
        "hora": "09:30",
        "nombre": "Ana López",
        "curp": curp(20),
        "correo": "ana@example.com",
        "telefono": "",
    }
    sin_csrf = cliente.post("/citas-personal/prueba", data=formulario)
    assert sin_csrf.status_code == 403
    r = cliente.post("/citas-personal/prueba", data={**formulario, "csrf": csrf(pagina.text)})
    assert r.status_code == 201, r.text
    folio = r.text.split("Cita ")[1].split(" agendada")[0]
    assert "/citas/" in r.text and "a las 09:30 h" in r.text and curp(20) not in r.text
    with alm.lectura() as conn:
        cita = conn.execute(
            text("SELECT nombre, estado, inicio_ms FROM cita WHERE folio = :f"), {"f": folio}
        ).one()
        ev = conn.execute(
            text("SELECT usuario_id, datos FROM evento WHERE tipo = 'cita_agendada'")
        ).one()
        correo = conn.execute(text("SELECT tipo, para FROM cita_correo")).one()
    assert cita.nombre == "Ana López" and cita.estado == "agendada"
    assert (
        cita.inicio_ms == int(datetime.fromisoformat("2026-11-24T09:30-06:00").timestamp()) * 1000
    )
    assert ev.usuario_id == centro.staff[0].usuario_id and "Ana" not in str(ev.datos)
    assert (correo.tipo, correo.para) == ("confirmacion", "ana@example.com")

    # misma CURP y trámite: el límite por persona vale también para el personal
    pagina = cliente.get("/citas-personal/prueba")
    r = cliente.post(
        "/citas-personal/prueba", data={**formulario, "hora": "10:00", "csrf": csrf(pagina.text)}
    )
    assert r.status_code == 409 and "Ya tiene una cita agendada" in r.text
    assert curp(20) not in r.text
    r = cliente.post(
        "/citas-personal/prueba",
        data={**formulario, "curp": curp(21), "hora": "9.30", "csrf": csrf(pagina.text)},
    )
    assert r.status_code == 400 and "Indique la fecha" in r.text

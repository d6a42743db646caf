"""Un día inhábil agregado después de agendar: /admin/agenda-citas lista las citas afectadas
(con nombre, solo para la jefatura); «Cancelar y avisar» las cancela (lugar liberado,
recordatorio cancelado, evento sin datos personales) y el aviso llega por la bandeja de salida a
un servidor SMTP real con el .ics cancelado (STATUS:CANCELLED). Repetirlo no avisa dos veces."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import text
from starlette.testclient import TestClient

from citas import cierres, reservas
from citas.correo import enviar_pendientes, leer_url
from tests.citas_apoyo import con_agenda, datos
from tests.conftest import AHORA
from tests.e2e.test_paginas_personal import csrf, entrar
from tests.integration.test_citas_correo import smtp  # noqa: F401 - fixture (aiosmtpd real)
from turnos.servicios import catalogo
from turnos.settings import Settings
from turnos.web.app import crear_app


def test_cierre_posterior_lista_cancela_y_avisa(alm, centro, db_url, smtp):  # noqa: F811
    buzon, url = smtp
    con_agenda(alm, centro)
    a = reservas.crear(alm, "prueba", datos(1, correo="uno@example.mx"), AHORA, "https://t.mx")
    b = reservas.crear(alm, "prueba", datos(2, hora=11), AHORA)  # sin correo
    otro = reservas.crear(alm, "prueba", {**datos(3), "inicio": "2026-11-25T09:00:00-06:00"}, AHORA)
    assert cierres.afectadas(alm, "prueba", AHORA) == []
    catalogo.actualizar_centro(alm, "prueba", {"inhabiles": ["2026-11-24"]}, AHORA)
    lista = cierres.afectadas(alm, "prueba", AHORA)
    assert [(x["folio"], x["con_correo"]) for x in lista] == [
        (a["folio"], True),
        (b["folio"], False),
    ]

    app = crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: AHORA)
    with TestClient(app, follow_redirects=False) as cliente:
        assert entrar(cliente, "jefe-prueba").status_code == 303
        pagina = cliente.get("/admin/agenda-citas?centro=prueba").text
        assert "Citas en días inhábiles" in pagina and "Persona 1" in pagina
        assert otro["folio"] not in pagina
        r = cliente.post("/admin/citas-cierres", data={"centro": "prueba", "csrf": csrf(pagina)})
        assert r.status_code == 303
        pagina = cliente.get("/admin/agenda-citas?centro=prueba").text
        assert "Citas canceladas y avisadas por día inhábil: 2" in pagina
        assert "Citas en días inhábiles" not in pagina
        sin_csrf = cliente.post("/admin/citas-cierres", data={"centro": "prueba"})
        assert sin_csrf.status_code == 403

    assert reservas.estado(alm, a["token"])["estado"] == "cancelada"
    assert reservas.estado(alm, b["token"])["estado"] == "cancelada"
    assert reservas.estado(alm, otro["token"])["estado"] == "agendada"
    assert cierres.avisar_afectadas(alm, "prueba", AHORA) == []  # idempotente
    with alm.lectura() as c:
        cupo = c.execute(text("SELECT sum(ocupados) FROM cita_cupo")).scalar_one()
        correos = c.execute(text("SELECT tipo, estado FROM cita_correo ORDER BY id")).all()
        eventos = c.execute(
            text("SELECT datos FROM evento WHERE tipo = 'cita_cancelada' ORDER BY seq")
        ).scalars()
        eventos = [str(e) for e in eventos]
    assert cupo == 1  # solo la del miércoles ocupa lugar
    assert [tuple(x) for x in correos] == [
        ("confirmacion", "pendiente"),  # (su recordatorio ya no tocaba: menos de 24 h)
        ("cierre", "pendiente"),
    ]
    assert len(eventos) == 2 and all("dia_inhabil" in e and "Persona" not in e for e in eventos)

    assert enviar_pendientes(alm, AHORA + timedelta(minutes=1), leer_url(url)) == 2
    aviso = buzon.mensajes[-1]
    assert aviso["To"] == "uno@example.mx" and "no abrirá" in aviso["Subject"]
    partes = {p.get_content_type(): p for p in aviso.walk()}
    cuerpo = partes["text/plain"].get_payload(decode=True).decode()
    assert "día inhábil" in cuerpo and "http://testserver/citas?centro=prueba&tramite=A" in cuerpo
    assert "kiosco" not in cuerpo  # ya no hay cita que registrar
    cal = Calendar.from_ical(partes["text/calendar"].get_payload(decode=True))
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"

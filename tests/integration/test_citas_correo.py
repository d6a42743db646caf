"""Correos de citas por la bandeja de salida contra un servidor SMTP real (aiosmtpd): la
confirmación y el recordatorio llegan exactamente una vez; cancelar cancela el recordatorio;
un servidor caído deja el correo pendiente con su reintento."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import text

from citas import reservas
from citas.correo import MAX_INTENTOS, enviar_pendientes, leer_url
from tests.citas_apoyo import con_agenda, datos
from tests.conftest import AHORA

MIERCOLES = "2026-11-25"  # la cita; su recordatorio toca el martes a la misma hora


class Buzon:
    def __init__(self) -> None:
        self.mensajes: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - interfaz de aiosmtpd
        self.mensajes.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Buzon, str]]:
    buzon = Buzon()
    puerto = _puerto_libre()
    servidor = Controller(buzon, hostname="127.0.0.1", port=puerto)
    servidor.start()
    yield buzon, f"smtp://127.0.0.1:{puerto}?remitente=citas@centro.gob.mx"
    servidor.stop()


def _cita(alm, n: int, hora: int = 9) -> dict:
    d = datos(n, hora=hora, correo=f"persona{n}@example.mx")
    d["inicio"] = d["inicio"].replace("2026-11-24", MIERCOLES)
    return reservas.crear(alm, "prueba", d, AHORA, "https://turnos.example.mx")


def _tipos(alm) -> list[tuple[str, str]]:
    with alm.lectura() as c:
        return [
            tuple(f) for f in c.execute(text("SELECT tipo, estado FROM cita_correo ORDER BY id"))
        ]


def test_confirmacion_y_recordatorio_una_sola_vez(alm, centro, smtp):
    buzon, url = smtp
    con_agenda(alm, centro)
    cita = _cita(alm, 1)
    assert _tipos(alm) == [("confirmacion", "pendiente"), ("recordatorio", "pendiente")]
    assert enviar_pendientes(alm, AHORA, leer_url(url)) == 1
    assert enviar_pendientes(alm, AHORA + timedelta(minutes=5), leer_url(url)) == 0
    assert len(buzon.mensajes) == 1
    m = buzon.mensajes[0]
    assert m["To"] == "persona1@example.mx" and cita["folio"] in m["Subject"]
    assert m["From"] == "citas@centro.gob.mx"
    partes = {p.get_content_type(): p for p in m.walk()}
    cuerpo = partes["text/plain"].get_payload(decode=True).decode()
    assert f"https://turnos.example.mx/citas/{cita['token']}" in cuerpo
    cal = Calendar.from_ical(partes["text/calendar"].get_payload(decode=True))
    assert str(cal["METHOD"]) == "PUBLISH"
    assert partes["text/calendar"].get_param("method") == "PUBLISH"
    # el recordatorio sale cuando toca (24 h antes), una sola vez
    antes = AHORA + timedelta(hours=22, minutes=59)
    assert enviar_pendientes(alm, antes, leer_url(url)) == 0
    recordar = AHORA + timedelta(hours=23)  # martes 09:00 en Ciudad de México
    assert enviar_pendientes(alm, recordar, leer_url(url)) == 1
    assert enviar_pendientes(alm, recordar + timedelta(hours=1), leer_url(url)) == 0
    assert [x["Subject"].split(":")[0] for x in buzon.mensajes] == [
        f"Su cita {cita['folio']} quedó agendada",
        "Recordatorio",
    ]
    assert _tipos(alm) == [("confirmacion", "enviado"), ("recordatorio", "enviado")]


def test_cancelar_cancela_el_recordatorio_y_avisa(alm, centro, smtp):
    buzon, url = smtp
    con_agenda(alm, centro)
    cita = _cita(alm, 2)
    reservas.cancelar(alm, cita["token"], AHORA + timedelta(minutes=1))
    assert _tipos(alm) == [
        ("confirmacion", "pendiente"),
        ("recordatorio", "cancelado"),
        ("cancelacion", "pendiente"),
    ]
    assert enviar_pendientes(alm, AHORA + timedelta(days=2), leer_url(url)) == 2
    cancelacion = buzon.mensajes[-1]
    assert "cancelada" in cancelacion["Subject"]
    ics = next(p for p in cancelacion.walk() if p.get_content_type() == "text/calendar")
    cal = Calendar.from_ical(ics.get_payload(decode=True))
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_servidor_caido_reintenta_sin_perder_el_correo(alm, centro, smtp):
    buzon, url = smtp
    con_agenda(alm, centro)
    _cita(alm, 3)
    caido = leer_url(f"smtp://127.0.0.1:{_puerto_libre()}")
    assert enviar_pendientes(alm, AHORA, caido) == 0
    with alm.lectura() as c:
        f = c.execute(
            text("SELECT estado, intentos, error FROM cita_correo WHERE tipo = 'confirmacion'")
        ).one()
    assert f.estado == "pendiente" and f.intentos == 1 and "Connection" in f.error
    assert enviar_pendientes(alm, AHORA + timedelta(seconds=30), leer_url(url)) == 0  # aún no
    assert enviar_pendientes(alm, AHORA + timedelta(minutes=3), leer_url(url)) == 1
    assert len(buzon.mensajes) == 1


def test_sin_correo_no_encola(alm, centro):
    con_agenda(alm, centro)
    reservas.crear(alm, "prueba", datos(4), AHORA)
    assert _tipos(alm) == []


def test_agotados_los_intentos_queda_fallido_y_el_log_no_nombra_al_destinatario(
    alm, centro, caplog
):
    con_agenda(alm, centro)
    _cita(alm, 4)
    caido = leer_url(f"smtp://usuario:clave-secreta@127.0.0.1:{_puerto_libre()}")
    ahora = AHORA
    for _ in range(MAX_INTENTOS):
        assert enviar_pendientes(alm, ahora, caido) == 0
        ahora += timedelta(days=1)  # más que cualquier espera entre reintentos
    with alm.lectura() as c:
        f = c.execute(
            text("SELECT estado, intentos FROM cita_correo WHERE tipo = 'confirmacion'")
        ).one()
    assert (f.estado, f.intentos) == ("fallido", MAX_INTENTOS)
    assert enviar_pendientes(alm, ahora, caido) == 0  # ya no se reintenta
    with alm.lectura() as c:
        assert (
            c.execute(text("SELECT intentos FROM cita_correo WHERE tipo = 'confirmacion'")).scalar()
            == MAX_INTENTOS
        )
    texto = caplog.text
    assert "no salió" in texto
    assert "persona4@example.mx" not in texto and "clave-secreta" not in texto

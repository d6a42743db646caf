"""API pública de citas por la app real: contratos de DESIGN.md §4, .ics leído de vuelta con
icalendar (UID estable, SEQUENCE que sube, PUBLISH; cancelada con STATUS:CANCELLED), errores y límite de tasa."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from tests.citas_apoyo import MANANA, con_agenda, curp, datos, inicio

DISP = f"/api/v1/centros/prueba/citas/disponibilidad?tramite=A&desde={MANANA}&hasta={MANANA}"


def _evento(respuesta):
    assert respuesta.status_code == 200
    assert respuesta.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(respuesta.content)
    eventos = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(eventos) == 1
    return cal, eventos[0]


def _libres(cliente, hora: str) -> int:
    r = cliente.get(DISP)
    return {h["inicio"][11:16]: h["libres"] for h in r.json()["horarios"]}[hora]


def test_reservar_ics_reprogramar_cancelar(alm, centro, cliente):
    con_agenda(alm, centro, lugares=2)
    r = cliente.get(DISP)
    assert r.status_code == 200
    cuerpo = r.json()
    assert cuerpo["tramite"] == "A" and len(cuerpo["horarios"]) == 48
    assert cuerpo["horarios"][18] == {
        "inicio": "2026-11-24T09:00:00-06:00",
        "fin": "2026-11-24T09:30:00-06:00",
        "libres": 2,
    }
    r = cliente.post("/api/v1/centros/prueba/citas", json=datos(1, correo="p@x.mx"))
    assert r.status_code == 201, r.text
    cita = r.json()
    assert cita["estado"] == "agendada" and cita["tramite"] == "A"
    assert cita["inicio"] == "2026-11-24T09:00:00-06:00" and cita["folio"].startswith("C-")
    assert cita["enlace"].endswith(f"/citas/{cita['token']}")
    assert "curp" not in cita and r.headers["cache-control"] == "no-store"
    assert _libres(cliente, "09:00") == 1
    token = cita["token"]

    cal, ev = _evento(cliente.get(f"/api/v1/citas/{token}/ics"))
    # PUBLISH sin ORGANIZER: REQUEST/CANCEL (iTIP) exigen organizador y asistentes; un
    # cliente de correo ofrecería «aceptar/rechazar» a una invitación sin quien la reciba.
    assert str(cal["METHOD"]) == "PUBLISH" and "ORGANIZER" not in ev
    uid = str(ev["UID"])
    assert ev.decoded("DTSTART") == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert b"DTSTART:20261124T150000Z" in cliente.get(f"/api/v1/citas/{token}/ics").content
    assert ev.decoded("DTEND") == datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
    assert int(ev["SEQUENCE"]) == 0 and str(ev["STATUS"]) == "CONFIRMED"
    assert [c.name for c in ev.subcomponents] == ["VALARM"]
    assert cita["folio"] in str(ev["DESCRIPTION"]) and token in str(ev["DESCRIPTION"])
    assert curp(1) not in cliente.get(f"/api/v1/citas/{token}/ics").text

    r = cliente.post(f"/api/v1/citas/{token}/reprogramar", json={"inicio": inicio(11)})
    assert r.status_code == 200, r.text
    assert r.json()["inicio"] == "2026-11-24T11:00:00-06:00"
    _, ev = _evento(cliente.get(f"/api/v1/citas/{token}/ics"))
    assert str(ev["UID"]) == uid and int(ev["SEQUENCE"]) == 1
    assert ev.decoded("DTSTART") == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    assert _libres(cliente, "09:00") == 2 and _libres(cliente, "11:00") == 1

    r = cliente.post(f"/api/v1/citas/{token}/cancelar")
    assert r.status_code == 200 and r.json()["estado"] == "cancelada"
    cal, ev = _evento(cliente.get(f"/api/v1/citas/{token}/ics"))
    assert str(cal["METHOD"]) == "PUBLISH" and str(ev["STATUS"]) == "CANCELLED"
    assert "ORGANIZER" not in ev
    assert str(ev["UID"]) == uid and int(ev["SEQUENCE"]) == 2
    assert _libres(cliente, "11:00") == 2  # el lugar se liberó
    estado = cliente.get(f"/api/v1/citas/{token}").json()
    assert estado["estado"] == "cancelada" and estado["centro_nombre"] == "Centro de prueba"


def test_errores_del_contrato(alm, centro, cliente):
    con_agenda(alm, centro, lugares=1)
    url = "/api/v1/centros/prueba/citas"
    assert cliente.post(url, json=datos(1)).status_code == 201

    def error(respuesta, status, codigo):
        assert respuesta.status_code == status, respuesta.text
        cuerpo = respuesta.json()
        assert cuerpo["error"] == codigo and cuerpo["mensaje"]

    error(cliente.post(url, json=datos(2)), 409, "cupo_agotado")
    error(cliente.post(url, json=datos(1, hora=10)), 409, "limite_por_persona")
    error(cliente.post(url, json=datos(3, minuto=15)), 409, "horario_no_disponible")
    x_mal = datos(4) | {"curp": "HEGG560427XVZRRL04"}  # X con el dígito de la M
    error(cliente.post(url, json=x_mal), 400, "curp_invalida")
    error(cliente.post(url, json=datos(5) | {"curp": "HEGG560427MZZRRL04"}), 400, "curp_invalida")
    error(
        cliente.post(url, content=b"{no es json", headers={"content-type": "application/json"}),
        400,
        "json_invalido",
    )
    error(cliente.post(url, json=datos(6) | {"inicio": "mañana"}), 400, "entrada_invalida")
    error(cliente.get("/api/v1/citas/no-existe"), 404, "cita_no_encontrada")
    error(cliente.get(DISP.replace("tramite=A", "tramite=ZZ")), 404, "tramite_no_encontrado")
    error(cliente.get(DISP.replace(f"desde={MANANA}", "desde=ayer")), 400, "entrada_invalida")
    x_bien = cliente.post(url, json=datos(7, hora=12) | {"curp": "HEGG560427XVZRRL08"})
    assert x_bien.status_code == 201


def test_limite_de_tasa_429_con_retry_after(alm, centro, cliente):
    con_agenda(alm, centro)
    url = "/api/v1/centros/prueba/citas"
    codigos = [cliente.post(url, json=datos(1) | {"curp": "MAL"}).status_code for _ in range(11)]
    assert codigos == [400] * 10 + [429]
    r = cliente.post(url, json=datos(1))
    assert r.status_code == 429 and r.json()["error"] == "demasiadas_solicitudes"
    assert 1 <= int(r.headers["retry-after"]) <= 60


def test_openapi_documenta_citas(cliente):
    doc = cliente.get("/api/v1/openapi.json").json()
    for ruta in (
        "/api/v1/centros/{centro}/citas/disponibilidad",
        "/api/v1/centros/{centro}/citas",
        "/api/v1/citas/{token}",
        "/api/v1/citas/{token}/cancelar",
        "/api/v1/citas/{token}/reprogramar",
        "/api/v1/citas/{token}/ics",
    ):
        assert ruta in doc["paths"]
    post = doc["paths"]["/api/v1/centros/{centro}/citas"]["post"]
    assert "429" in post["responses"] and "cupo_agotado" in post["summary"]
    assert doc["components"]["schemas"]["NuevaCita"]["required"] == [
        "tramite",
        "inicio",
        "nombre",
        "curp",
    ]

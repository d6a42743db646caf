"""Páginas /citas y /citas/{token} por la app real, sin JavaScript: cada paso es una lista de
enlaces; el formulario pide CSRF; los errores se ven en la página y no pierden lo escrito."""

from __future__ import annotations

import re

from tests.citas_apoyo import MANANA, con_agenda, curp


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_reservar_paso_a_paso_y_gestionar(alm, centro, cliente):
    con_agenda(alm, centro, lugares=1)
    r = cliente.get("/citas")
    assert r.status_code == 200 and "Centro de prueba" in r.text
    assert (
        r.headers["cache-control"] == "no-store"
        and "frame-ancestors" in r.headers["content-security-policy"]
    )
    r = cliente.get("/citas?centro=prueba")
    assert "Trámite A" in r.text and "Trámite C" not in r.text  # C no tiene agenda
    r = cliente.get("/citas?centro=prueba&tramite=A")
    assert "martes 24 de noviembre" in r.text and 'type="date"' not in r.text
    r = cliente.get(f"/citas?centro=prueba&tramite=A&dia={MANANA}")
    assert ">09:00<" in r.text and "1 lugar libre" in r.text
    inicio = f"{MANANA}T09:00:00-06:00"
    r = cliente.get(f"/citas?centro=prueba&tramite=A&dia={MANANA}&inicio={inicio}")
    assert "Aviso de privacidad" in r.text and 'href="/citas/aviso-de-privacidad"' in r.text
    # elegir la hora aparta el único lugar mientras llena el formulario: nadie más lo ve libre
    assert "Le apartamos este horario hasta las 10:10 h" in r.text
    assert ">09:00<" not in cliente.get(f"/citas?centro=prueba&tramite=A&dia={MANANA}").text
    formulario = {
        "csrf": _csrf(r.text),
        "centro": "prueba",
        "tramite": "A",
        "inicio": inicio,
        "nombre": "Ana López",
        "curp": curp(1)[:-1] + "0" if curp(1)[-1] != "0" else curp(1)[:-1] + "1",
        "correo": "ana@example.mx",
    }
    r = cliente.post("/citas", data=formulario)
    assert r.status_code == 400 and "último dígito" in r.text
    assert "Ana López" in r.text and formulario["curp"] not in r.text  # la CURP no se repite
    sin_csrf = cliente.post("/citas", data={**formulario, "csrf": "x", "curp": curp(1)})
    assert sin_csrf.status_code == 403
    r = cliente.post("/citas", data={**formulario, "curp": curp(1)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/citas/")
    pagina = cliente.get(r.headers["location"])
    assert "¡Su cita quedó agendada!" in pagina.text and "C-" in pagina.text
    assert "<svg" in pagina.text and "/ics" in pagina.text
    token = r.headers["location"].split("/")[2].split("?")[0]
    # lleno: otra persona ya no ve las 9:00
    r = cliente.get(f"/citas?centro=prueba&tramite=A&dia={MANANA}")
    assert ">09:00<" not in r.text and ">09:30<" in r.text
    # reprogramar desde su página: días → horas → botón
    r = cliente.get(f"/citas/{token}?cambiar=1&dia={MANANA}")
    assert ">10:00<" in r.text
    ficha = _csrf(r.text)
    r = cliente.post(
        f"/citas/{token}/reprogramar",
        data={"csrf": ficha, "inicio": f"{MANANA}T10:00:00-06:00"},
    )
    assert r.status_code == 200 and "cambió de horario" in r.text and "10:00 h" in r.text
    # cancelar pide confirmación: el primer botón solo pregunta
    assert f'href="/citas/{token}?cancelar=1#t-cancelar"' in r.text
    r = cliente.post(f"/citas/{token}/cancelar", data={"csrf": ficha})
    assert "¿Seguro que quiere cancelar su cita?" in r.text and "quedó cancelada" not in r.text
    assert "Agendada" in r.text and f'href="/citas/{token}"' in r.text  # «No, conservarla»
    r = cliente.post(f"/citas/{token}/cancelar", data={"csrf": _csrf(r.text), "confirmar": "1"})
    assert "quedó cancelada" in r.text and "Cancelada" in r.text
    assert cliente.get("/citas/no-existe").status_code == 404
    assert cliente.get("/citas/aviso-de-privacidad").status_code == 200


def test_admin_agenda_por_tramite(alm, centro, cliente):
    from tests.e2e.conftest import bearer

    jefe = bearer(centro.jefe_token)
    r = cliente.get("/admin/agenda-citas", headers=jefe)
    assert r.status_code == 200 and "Trámite C (C)" in r.text
    # el formulario va con la sesión real (y su CSRF), como en el navegador
    login = {"usuario": "jefe-prueba", "password": "contrasena-segura"}
    r = cliente.post("/login", data={**login, "csrf": _csrf(cliente.get("/login").text)})
    r = cliente.get("/admin/agenda-citas")
    assert r.status_code == 200
    csrf = _csrf(r.text)
    r = cliente.post(
        "/admin/agenda-citas",
        data={
            "csrf": csrf,
            "centro": "prueba",
            "tramite": "C",
            "duracion": "20",
            "horizonte": "7",
            "anticipacion": "0",
            "activa": "1",
        },
    )
    assert r.status_code == 200 and "Agenda de C guardada" in r.text
    r = cliente.post(
        "/admin/agenda-citas",
        data={"csrf": csrf, "centro": "prueba", "tramite": "C", "duracion": "1", "activa": "1"},
    )
    assert "5 a 240 minutos" in r.text
    assert "Trámite C" in cliente.get("/citas?centro=prueba").text
    assert (
        cliente.get("/admin/agenda-citas", headers=bearer(centro.staff_tokens[0])).status_code
        == 403
    )

"""Kiosco y reimpresión por la app ASGI (sesión del personal, cookie del kiosco, CSRF)."""

from __future__ import annotations

from pathlib import Path

from kiosco.cli import asignar
from tests.e2e.conftest import bearer
from tests.e2e.test_paginas_personal import csrf, entrar
from tests.escpos_decodificar import decodificar, textos


def test_cookie_del_kiosco_y_su_cabecera(cliente, centro):
    r = cliente.get(f"/kiosco/prueba?token={centro.kiosco_token}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/kiosco/prueba"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    pagina = cliente.get("/kiosco/prueba")
    assert (
        pagina.status_code == 200
        and "script-src 'self'" in pagina.headers["content-security-policy"]
    )
    assert 'lang="es-MX"' in pagina.text and "Trámite A" in pagina.text
    # Con la cookie pero sin la cabecera propia del kiosco (un sitio ajeno no puede mandarla).
    r = cliente.post("/api/v1/kiosco/prueba/turnos", json={"tramite": "A"})
    assert r.status_code == 403 and r.json()["error"] == "csrf"
    r = cliente.post(
        "/api/v1/kiosco/prueba/turnos", json={"tramite": "A"}, headers={"X-Turnos-Kiosco": "1"}
    )
    assert r.status_code == 201
    assert r.json()["impresion"]["estado"] == "sin_impresora"  # kiosco-1 aún no tiene impresora
    r = cliente.post(
        "/api/v1/kiosco/prueba/turnos",
        json={"tramite": "A", "clase": "cita"},
        headers={"X-Turnos-Kiosco": "1"},
    )
    assert r.status_code == 400 and r.json()["error"] == "entrada_invalida"


def test_token_de_otro_dispositivo_no_activa_el_kiosco(cliente, centro):
    r = cliente.get(f"/kiosco/prueba?token={centro.pantalla_token}", follow_redirects=False)
    assert r.status_code == 401 and "turnos_kiosco" not in r.headers.get("set-cookie", "")


def test_reimprimir_desde_el_formulario_del_personal(app, cliente, centro, alm, tmp_path: Path):
    emitido = cliente.post(
        "/api/v1/kiosco/prueba/turnos", json={"tramite": "B"}, headers=bearer(centro.kiosco_token)
    ).json()
    folio = emitido["ticket"]["folio"]
    destino = tmp_path / "t.bin"
    asignar(alm, "kiosco-1", f"archivo://{destino}", "generico_80mm", "prueba")
    assert entrar(cliente, "v1-prueba").status_code == 303
    token = csrf(cliente.get("/ventanilla").text)
    # El parcial que /ventanilla o /admin pueden incluir.
    parcial = app.state.plantillas.get_template("kiosco_reimprimir.html").render(
        csrf=token, centro="prueba", dispositivos=["kiosco-1"], siguiente="/ventanilla"
    )
    assert 'action="/kiosco/prueba/reimprimir"' in parcial and token in parcial
    r = cliente.post(
        "/kiosco/prueba/reimprimir",
        data={
            "csrf": token,
            "folio": folio.lower(),
            "dispositivo": "kiosco-1",
            "siguiente": "/ventanilla",
        },
    )
    assert r.status_code == 200 and f"Ticket {folio}: reimpreso." in r.text
    assert folio in textos(decodificar(destino.read_bytes()))
    r = cliente.post("/kiosco/prueba/reimprimir", data={"csrf": "otro", "folio": folio})
    assert r.status_code == 403

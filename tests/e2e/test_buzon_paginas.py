"""Páginas públicas del buzón por la app real: cada tipo por /buzon/{centro} (teléfono y kiosco),
campo trampa, seguimiento con clave buena y mala, agregar información; enlaces desde el kiosco
y desde /t/{token}; alerta de plazo en el tablero."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from buzon import casos, reglas
from tests.buzon_apoyo import con_catalogo
from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from tests.e2e.test_paginas_personal import csrf
from turnos.settings import Settings
from turnos.web.app import crear_app


def _enviar(cliente, **datos):
    pagina = cliente.get("/buzon/prueba")
    assert pagina.status_code == 200
    return cliente.post("/buzon/prueba", data={"csrf": csrf(pagina.text), **datos})


def _campo(html, nombre):
    return re.search(rf'data-campo="{nombre}">([^<]+)<', html).group(1)


@pytest.mark.parametrize("tipo", list(reglas.TIPOS))
def test_cada_tipo_por_la_pagina(alm, centro, cliente, tipo):
    con_catalogo(alm)
    r = _enviar(cliente, tipo=tipo, descripcion=f"Desde la página: {tipo}", asunto="trato")
    assert r.status_code == 201, r.text
    folio, clave = _campo(r.text, "folio"), _campo(r.text, "clave")
    assert reglas.normalizar_folio(folio) == folio
    assert r.headers["cache-control"] == "no-store" and "clave" not in str(r.url)
    pagina = cliente.get("/buzon/seguimiento")
    r = cliente.post(
        "/buzon/seguimiento", data={"csrf": csrf(pagina.text), "folio": folio, "clave": clave}
    )
    assert r.status_code == 200 and "Canalizada" in r.text
    r = cliente.post(
        "/buzon/seguimiento",
        data={"csrf": csrf(pagina.text), "folio": folio, "clave": "MALA-MALA-MALA"},
    )
    assert r.status_code == 404 and "No encontramos" in r.text and "Canalizada" not in r.text


def test_formulario_con_aviso_y_trampa(alm, centro, cliente):
    r = cliente.get("/buzon/prueba?turno=A-001")
    assert "Aviso de privacidad" in r.text and 'value="A-001"' in r.text
    assert 'name="sitio_web"' in r.text and "content-security-policy" in r.headers
    r = _enviar(cliente, tipo="queja", descripcion="x", sitio_web="http://spam")
    assert r.status_code == 400
    with alm.lectura() as c:
        assert c.execute(text("SELECT count(*) FROM buzon_caso")).scalar_one() == 0
    r = cliente.get("/buzon/prueba?kiosco=1")
    assert 'href="/kiosco/prueba"' in r.text and 'name="kiosco" value="1"' in r.text
    r = _enviar(
        cliente, tipo="denuncia", descripcion="Cobro", kiosco="1", anonima="1", correo="a@b.mx"
    )
    assert r.status_code == 201
    with alm.lectura() as c:
        fila = c.execute(text("SELECT canal, correo FROM buzon_caso")).one()
    assert tuple(fila) == ("kiosco", "")


def test_agregar_informacion_a_un_caso_abierto(alm, centro, cliente):
    r = casos.abrir(alm, "prueba", tipo="peticion", descripcion="x", canal="web", ahora=AHORA)
    pagina = cliente.get("/buzon/seguimiento")
    datos = {"csrf": csrf(pagina.text), "folio": r["folio"], "clave": r["clave"]}
    respuesta = cliente.post("/buzon/seguimiento", data={**datos, "informacion": "Fue el martes"})
    assert respuesta.status_code == 200 and "Agregamos su información" in respuesta.text
    assert "Fue el martes" in respuesta.text
    consulta = casos.consultar(alm, r["folio"], r["clave"])
    assert consulta["historia"][-1]["tipo"] == "ciudadano"
    # Con la clave mala no se agrega nada.
    malo = cliente.post(
        "/buzon/seguimiento", data={**datos, "clave": "X", "informacion": "intruso"}
    )
    assert malo.status_code == 404
    assert "intruso" not in str(casos.consultar(alm, r["folio"], r["clave"]))


def test_enlaces_desde_kiosco_ticket_y_alerta_en_tablero(alm, centro, db_url):
    reloj = {"ahora": AHORA}
    app = crear_app(Settings(db=db_url, secreto="s"), reloj=lambda: reloj["ahora"])
    with TestClient(app) as cliente:
        kiosco = cliente.get("/kiosco/prueba", headers=bearer(centro.kiosco_token))
        assert 'href="/buzon/prueba?kiosco=1"' in kiosco.text
        t = cliente.post(
            "/api/v1/centros/prueba/turnos",
            json={"tramite": "A"},
            headers=bearer(centro.kiosco_token),
        ).json()
        ticket = cliente.get(f"/t/{t['token']}")
        assert f'href="/buzon/prueba?turno={t["folio"]}"' in ticket.text
        casos.abrir(alm, "prueba", tipo="felicitacion", descripcion="x", canal="web", ahora=AHORA)
        casos.abrir(alm, "prueba", tipo="denuncia", descripcion="x", canal="web", ahora=AHORA)
        tablero = cliente.get("/tablero/prueba", headers=bearer(centro.jefe_token))
        assert "data-buzon-vencidos" not in tablero.text  # todavía en plazo
        reloj["ahora"] = AHORA + timedelta(days=6)  # felicitación: 5 días
        tablero = cliente.get("/tablero/prueba", headers=bearer(centro.jefe_token))
        # La denuncia (30 días) no cuenta, y aunque venciera no se muestra al jefe.
        assert 'data-buzon-vencidos="1"' in tablero.text
        assert "1 caso del buzón ciudadano fuera de plazo" in tablero.text

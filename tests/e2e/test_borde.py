"""El borde HTTP por la app real: nunca un 500 por entrada mala, límites de cuerpo y de
anidamiento, 405 con Allow, CSP y no-store en páginas del personal, cookie Secure con https."""

import pytest
from starlette.testclient import TestClient

from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from tests.e2e.test_paginas_personal import csrf, entrar
from turnos.settings import Settings
from turnos.web.app import crear_app

PROFUNDO = '{"motivo": ' + "[" * 20_000 + "]" * 20_000 + "}"


def _json_4xx(r, *estados):
    assert r.status_code in estados, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] and r.json()["mensaje"]


def test_json_profundamente_anidado_es_400_sin_login(cliente, centro):
    r = cliente.post(
        "/api/v1/turnos/cualquiera/cancelar",
        content=PROFUNDO,
        headers={"content-type": "application/json"},
    )
    _json_4xx(r, 400)
    r = cliente.post(
        "/api/v1/centros/prueba/turnos",
        content='{"tramite": "A", "x": ' + "{" * 40 + "}" * 40 + "}",
        headers=bearer(centro.kiosco_token),
    )
    _json_4xx(r, 400)


def test_cuerpo_demasiado_grande_es_413(cliente, centro):
    grande = '{"tramite": "A", "relleno": "' + "x" * (2 * 1024 * 1024) + '"}'
    r = cliente.post(
        "/api/v1/centros/prueba/turnos", content=grande, headers=bearer(centro.kiosco_token)
    )
    _json_4xx(r, 413)

    def trozos():  # sin Content-Length: el límite se cuenta al leer
        for _ in range(40):
            yield b"x" * 64 * 1024

    r = cliente.post(
        "/api/v1/centros/prueba/turnos", content=trozos(), headers=bearer(centro.kiosco_token)
    )
    _json_4xx(r, 413)


@pytest.mark.parametrize("fecha", ["0001-01-01", "9999-12-31"])
def test_fechas_fuera_de_rango_en_datos_abiertos(cliente, centro, fecha):
    for parametro in ("desde", "hasta"):
        r = cliente.get(f"/datos-abiertos/prueba.json?{parametro}={fecha}")
        _json_4xx(r, 400)


def test_nul_en_rutas_y_cuerpos(cliente, centro):
    _json_4xx(cliente.get("/api/v1/turnos/%00abc"), 400, 404)
    _json_4xx(cliente.get("/api/v1/seguimiento/a%00b"), 400, 404)
    _json_4xx(cliente.get("/api/v1/centros/pru%00eba"), 400, 404)
    r = cliente.post(
        "/api/v1/centros/prueba/turnos",
        json={"tramite": "A\x00"},
        headers=bearer(centro.kiosco_token),
    )
    _json_4xx(r, 400)


@pytest.mark.parametrize("numero", ["99999999999999999999", "9223372036854775808"])
def test_ids_de_ruta_enormes(cliente, centro, numero):
    r = cliente.post(
        f"/api/v1/centros/prueba/ventanillas/{numero}/abrir",
        headers=bearer(centro.staff_tokens[0]),
    )
    _json_4xx(r, 404)


def test_ids_en_formularios_del_admin(cliente, centro):
    entrar(cliente, "jefe-prueba")
    for seccion, campo in (("usuarios", "desactivar"), ("dispositivos", "revocar")):
        for valor in ("abc", "99999999999999999999999"):
            pagina = cliente.get(f"/admin/prueba/{seccion}")
            r = cliente.post(
                f"/admin/prueba/{seccion}", data={"csrf": csrf(pagina.text), campo: valor}
            )
            assert r.status_code == 400, r.text[:300]  # 4xx con la página y su aviso
            assert "debe" in r.text  # el aviso explica el error; nada se cayó
    pagina = cliente.get("/admin/prueba/ventanillas")
    r = cliente.post(
        "/admin/prueba/ventanillas",
        data={"csrf": csrf(pagina.text), "numero": "1" * 30, "nombre": "X", "nueva": "1"},
    )
    assert r.status_code == 400 and "debe" in r.text


def test_405_lleva_allow(cliente, centro):
    r = cliente.delete("/api/v1/centros/prueba/turnos")
    _json_4xx(r, 405)
    assert "POST" in r.headers["allow"]
    r = cliente.put("/login")
    assert r.status_code == 405 and {"GET", "POST"} <= set(r.headers["allow"].split(", "))


def test_csp_y_no_store_en_paginas_del_personal(cliente, centro):
    for ruta in ("/login", "/"):
        r = cliente.get(ruta)
        assert "default-src 'self'" in r.headers["content-security-policy"], ruta
    entrar(cliente, "jefe-prueba")
    for ruta in (
        "/ventanilla",
        "/admin/prueba/usuarios",
        "/admin/prueba/dispositivos",
        "/tablero/prueba",
        "/tablero/prueba/reportes",
        "/tablero/prueba/reportes?vista=registro",
    ):
        r = cliente.get(ruta)
        assert r.status_code == 200, ruta
        assert "script-src 'self'" in r.headers["content-security-policy"], ruta
        assert r.headers["cache-control"] == "no-store", ruta
    r = cliente.get("/api/v1/centros/prueba/cola", headers=bearer(centro.jefe_token))
    assert r.headers["cache-control"] == "no-store"


def test_cookies_secure_con_url_publica_https(alm, centro, db_url):
    app = crear_app(
        Settings(db=db_url, secreto="s", url_publica="https://turnos.ejemplo.gob.mx"),
        reloj=lambda: AHORA,
    )
    with TestClient(app, base_url="https://testserver") as c:
        r = entrar(c, "jefe-prueba")
        assert r.status_code == 303
        assert "secure" in r.headers["set-cookie"].lower()
        r = c.get(f"/kiosco/prueba?token={centro.kiosco_token}", follow_redirects=False)
        assert "secure" in r.headers["set-cookie"].lower()

"""Voz de la pantalla en Chromium real con la app real: qué voz elige (preferencia del servidor
y configuración del centro) y que una pantalla muda lo diga en ella misma y en el tablero.

La síntesis es la grabadora de test_pantalla.py (voces a la medida); la prueba que suena de
verdad es test_voz_real.py.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from pantalla.banco import ServidorHilo
from tests.browser import test_tablero_navegador
from tests.browser.test_pantalla import GRABADORA
from turnos.servicios import consultas, voz

pytestmark = pytest.mark.browser

vivo_tablero = test_tablero_navegador.vivo  # la app real en un hilo, como en el tablero


@pytest.fixture
def vivo(vivo_tablero: tuple[ServidorHilo, Any]) -> tuple[ServidorHilo, Any, Any]:
    """La app real en un hilo (la del tablero), con acceso a su almacén."""
    srv, centro = vivo_tablero
    return srv, centro, srv.config.app


VOCES = """[
  {lang: "es-ES", name: "España", default: true, localService: true},
  {lang: "es_US", name: "Estados Unidos", default: false, localService: true},
  {lang: "es-419", name: "Latinoamérica", default: false, localService: true},
  {lang: "en-US", name: "Inglés", default: false, localService: true},
]"""
SOLO_INGLES = '[{lang: "en-US", name: "Inglés", default: true, localService: true}]'


def _llamar(srv: ServidorHilo, centro: Any, ventanilla: int) -> None:
    api = f"{srv.url}/api/v1/centros/prueba"
    v = {"Authorization": f"Bearer {centro.staff_tokens[ventanilla - 1]}"}
    k = {"Authorization": f"Bearer {centro.kiosco_token}"}
    assert httpx.post(f"{api}/turnos", json={"tramite": "A"}, headers=k).status_code == 201
    httpx.post(f"{api}/ventanillas/{ventanilla}/abrir", headers=v)
    assert httpx.post(f"{api}/ventanillas/{ventanilla}/llamar", headers=v).status_code == 200


def _dichos(pagina: Any, n: int) -> list[dict[str, Any]]:
    limite = time.monotonic() + 20
    while len(d := pagina.evaluate("window.__dichos")) < n:
        assert time.monotonic() < limite, d
        pagina.wait_for_timeout(50)
    return list(d)


def _abrir_pantalla(pagina: Any, srv: ServidorHilo, centro: Any, voces: str) -> None:
    pagina.add_init_script(GRABADORA % voces)
    pagina.goto(f"{srv.url}/pantalla/prueba?token={centro.pantalla_token}")
    pagina.wait_for_selector("body[data-conectado=si][data-seq][data-voz]")


def test_elige_es_419_antes_que_es_de_espana_y_respeta_la_voz_del_centro(pagina, vivo) -> None:
    srv, centro, app = vivo
    _abrir_pantalla(pagina, srv, centro, VOCES)
    _llamar(srv, centro, 1)
    assert _dichos(pagina, 1)[0]["lang"] == "es-419"  # es-MX no hay; luego es-419
    assert pagina.evaluate("document.body.dataset.voz") == "si"
    assert pagina.is_hidden("#sin-voz")

    # El centro elige otra voz (y velocidad y volumen) en /admin: la página la usa.
    with app.state.alm.lectura() as conn:
        cid = consultas.centro(conn, "prueba").id
    voz.guardar_config(app.state.alm, cid, voz.validar_config("Estados Unidos", "1.2", "70"))
    pagina.reload()
    pagina.wait_for_selector("body[data-conectado=si][data-seq]")
    datos = pagina.evaluate("({...document.body.dataset})")
    assert (datos["vozNombre"], datos["velocidad"], datos["volumen"]) == (
        "Estados Unidos",
        "1.2",
        "0.7",
    )
    assert datos["idiomas"] == "es-MX,es-419,es-US,es"
    _llamar(srv, centro, 2)
    assert _dichos(pagina, 1)[0]["lang"] == "es_US"


def test_pantalla_muda_lo_dice_en_ella_y_en_el_tablero(navegador, vivo) -> None:
    srv, centro, app = vivo
    contexto = navegador.new_context(viewport={"width": 1366, "height": 768}, locale="es-MX")
    pantalla = contexto.new_page()
    # Chromium sin --autoplay-policy (como aquí): el audio queda bloqueado hasta un toque.
    _abrir_pantalla(pantalla, srv, centro, SOLO_INGLES)
    assert pantalla.evaluate("[document.body.dataset.voz, document.body.dataset.audio]") == [
        "no",
        "no",
    ]
    assert pantalla.inner_text("#sin-voz") == "Anuncios de voz no disponibles en esta pantalla"
    assert pantalla.is_visible("#activar-sonido")

    with app.state.alm.lectura() as conn:
        cid = consultas.centro(conn, "prueba").id
    limite = time.monotonic() + 10
    while True:  # el informe llega por el websocket de la pantalla
        with app.state.alm.lectura() as conn:
            if voz.pantallas(conn, cid, 0)[0]["informe"]:
                break
        assert time.monotonic() < limite, "la pantalla no informó su estado"
        time.sleep(0.05)

    tablero = contexto.new_page()
    tablero.goto(f"{srv.url}/tablero/prueba")
    tablero.get_by_label("Usuario").fill("jefe-prueba")
    tablero.get_by_label("Contraseña").fill("contrasena-segura")
    tablero.get_by_role("button", name="Entrar").click()
    tablero.wait_for_url(re.compile(r"/tablero/prueba$"))
    tablero.locator("#conexion[data-estado='en-vivo']").wait_for()
    fila = tablero.locator("#pantallas tr")
    assert fila.count() == 1
    assert fila.locator("th").inner_text() == "pantalla-1"
    assert (fila.locator(".voz").inner_text(), fila.locator(".audio").inner_text()) == ("no", "no")
    alertas = tablero.locator("#alertas").inner_text()
    assert "Pantalla pantalla-1 sin voz en español y con el audio bloqueado." in alertas
    contexto.close()


# Como GRABADORA, pero guarda también voz, velocidad y volumen de cada enunciado.
GRABADORA_DETALLE = GRABADORA.replace(
    "dichos.push({ texto: u.text, lang: u.lang });",
    "dichos.push({ texto: u.text, lang: u.lang, voz: u.voice && u.voice.name,"
    " velocidad: u.rate, volumen: u.volume });",
)


def test_admin_escucha_un_ejemplo_con_los_valores_del_formulario(pagina, vivo) -> None:
    srv, _centro, _app = vivo
    assert GRABADORA_DETALLE != GRABADORA
    pagina.add_init_script(GRABADORA_DETALLE % VOCES)
    errores: list[str] = []
    pagina.on("pageerror", lambda e: errores.append(str(e)))
    pagina.goto(f"{srv.url}/admin/prueba/centro")
    pagina.get_by_label("Usuario").fill("jefe-prueba")
    pagina.get_by_label("Contraseña").fill("contrasena-segura")
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url(re.compile(r"/admin/prueba/centro$"))

    boton = pagina.get_by_role("button", name="Escuchar un ejemplo")
    boton.click()  # sin nombre: la preferencia del servidor (es-419 antes que es-ES)
    assert _dichos(pagina, 1)[0]["voz"] == "Latinoamérica"
    pagina.get_by_label("Nombre de la voz").fill("Estados Unidos")
    pagina.get_by_label("Velocidad").fill("1.3")
    pagina.get_by_label("Volumen").fill("60")
    boton.click()
    ultimo = _dichos(pagina, 2)[1]
    assert ultimo == {
        "texto": "Turno a 1, Ventanilla 1",
        "lang": "es_US",
        "voz": "Estados Unidos",
        "velocidad": 1.3,
        "volumen": 0.6,
    }
    from playwright.sync_api import expect

    expect(pagina.locator("#resultado-voz")).to_have_text("Se escuchó con: Estados Unidos (es_US).")
    assert errores == []

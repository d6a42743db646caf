"""La tableta de la ventanilla y la encuesta del teléfono en Chromium real contra uvicorn real:
la encuesta llega sola al finalizar el turno (websocket), se contesta con toques y con el
teclado, vuelve a reposo, y axe no encuentra violaciones serias ni críticas. Las caras caben y
son grandes en una tableta de 10" (1280×800 y vertical) y en el teléfono."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.browser.test_kiosco_navegador import CELULAR, serias
from tests.conftest import Centro, sembrar_centro
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.servicios import cuentas

pytestmark = pytest.mark.browser

TABLETA = {"width": 1280, "height": 800}
TABLETA_VERTICAL = {"width": 800, "height": 1280}
CARA_MIN_PX = 96  # ~2.5 cm en una tableta de 10": un dedo sin puntería


@dataclass
class Entorno:
    url: str
    alm: Almacen
    centro: Centro
    tableta: str

    def emitir(self) -> str:
        k = {"Authorization": f"Bearer {self.centro.kiosco_token}"}
        r = httpx.post(f"{self.url}/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=k)
        assert r.status_code == 201, r.text
        return str(r.json()["token"])

    def ventanilla(self, *acciones: str) -> None:
        v = {"Authorization": f"Bearer {self.centro.staff_tokens[0]}"}
        for accion in acciones:
            r = httpx.post(f"{self.url}/api/v1/centros/prueba/ventanillas/1/{accion}", headers=v)
            assert r.status_code == 200, r.text

    def atender(self) -> str:
        token = self.emitir()
        self.ventanilla("abrir", "llamar", "finalizar")
        return token

    def ultima(self) -> Any:
        with self.alm.lectura() as c:
            return c.execute(text("SELECT * FROM encuesta ORDER BY id DESC LIMIT 1")).one()


@pytest.fixture(scope="module")
def entorno(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Entorno]:
    db = f"sqlite:///{tmp_path_factory.mktemp('encuestas') / 'turnos.db'}"
    motor = crear_motor(db)
    migrar(motor)
    alm = Almacen(motor)
    centro = sembrar_centro(alm)
    _, tableta = cuentas.crear_dispositivo(alm, "prueba", "tableta", "tableta-1", datetime.now(UTC))
    with servidor(db) as srv:
        yield Entorno(srv.url, alm, centro, tableta)
    motor.dispose()


def _tableta(navegador: Any, entorno: Entorno, viewport: dict[str, int]) -> Any:
    contexto = navegador.new_context(viewport=viewport, locale="es-MX", has_touch=True)
    p = contexto.new_page()
    p.goto(f"{entorno.url}/encuesta/prueba/1?token={entorno.tableta}")
    p.locator("body[data-estado=reposo]").wait_for()
    return p


def _caras_grandes(p: Any, viewport: dict[str, int]) -> None:
    caras = p.locator(".cara")
    assert caras.count() == 5
    for i in range(5):
        caja = caras.nth(i).bounding_box()
        assert caja["width"] >= CARA_MIN_PX and caja["height"] >= CARA_MIN_PX
        assert caja["x"] >= 0 and caja["x"] + caja["width"] <= viewport["width"]
        assert caja["y"] + caja["height"] <= viewport["height"]  # sin desplazarse
    # Cada cara dice su palabra (no solo color): el nombre accesible es la palabra.
    assert [caras.nth(i).inner_text() for i in range(5)] == [
        "Muy mal",
        "Mal",
        "Regular",
        "Bien",
        "Muy bien",
    ]


def test_tableta_por_toque_con_motivos(navegador, entorno):
    p = _tableta(navegador, entorno, TABLETA)
    fallas = {"reposo": serias(p)}
    entorno.atender()
    p.locator("body[data-estado=encuesta]").wait_for()
    _caras_grandes(p, TABLETA)
    fallas["caras"] = serias(p)
    p.get_by_role("button", name="Mal", exact=True).tap()
    p.get_by_role("heading", name="¿Qué podemos mejorar? (opcional)").wait_for()
    p.get_by_role("button", name="Trato").tap()
    assert p.get_by_role("button", name="Trato").get_attribute("aria-pressed") == "true"
    fallas["motivos"] = serias(p)
    p.get_by_role("button", name="Continuar").tap()
    p.get_by_label("Comentario (opcional)").fill("Me hablaron feo")
    fallas["detalles"] = serias(p)
    p.get_by_role("button", name="Enviar").tap()
    # Su propia respuesta vuelve por el websocket como «reposo»: no debe borrar «gracias».
    p.get_by_role("heading", name="¡Gracias por su opinión!").wait_for()
    p.locator("body[data-estado=reposo]").wait_for(timeout=20000)  # vuelve sola a reposo
    e = entorno.ultima()
    assert (e.calificacion, e.motivos, e.comentario, e.canal) == (
        2,
        "trato",
        "Me hablaron feo",
        "tableta",
    )
    p.context.close()
    assert {k: v for k, v in fallas.items() if v} == {}


def test_tableta_vertical_con_teclado(navegador, entorno):
    p = _tableta(navegador, entorno, TABLETA_VERTICAL)
    entorno.atender()
    p.locator("body[data-estado=encuesta]").wait_for()
    _caras_grandes(p, TABLETA_VERTICAL)
    for _ in range(4):  # del título a «Bien» con Tab
        p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.textContent") == "Bien"
    p.keyboard.press("Enter")
    p.get_by_role("heading", name="¿Algo más que quiera decirnos?").wait_for()
    p.keyboard.press("Tab")
    p.keyboard.type("Muy amables")
    p.keyboard.press("Tab")
    p.keyboard.press("Enter")
    p.get_by_role("heading", name="¡Gracias por su opinión!").wait_for()
    e = entorno.ultima()
    assert (e.calificacion, e.motivos, e.comentario) == (4, "", "Muy amables")
    p.context.close()


def test_telefono_recibe_la_encuesta_al_terminar(navegador, entorno):
    contexto = navegador.new_context(viewport=CELULAR, locale="es-MX", has_touch=True)
    p = contexto.new_page()
    token = entorno.emitir()
    p.goto(f"{entorno.url}/t/{token}")
    assert p.locator("#encuesta-telefono").is_hidden()
    entorno.ventanilla("abrir", "llamar", "finalizar")  # la página en vivo se entera sola
    p.get_by_role("button", name="Muy bien").wait_for()
    fallas = {"caras": serias(p)}
    p.get_by_role("button", name="Muy bien").tap()
    p.get_by_role("button", name="Enviar").tap()
    p.get_by_role("heading", name="¡Gracias por su opinión!").wait_for()
    fallas["gracias"] = serias(p)
    e = entorno.ultima()
    assert (e.calificacion, e.canal) == (5, "telefono")
    assert p.evaluate("document.documentElement.scrollWidth") <= CELULAR["width"]
    contexto.close()
    assert {k: v for k, v in fallas.items() if v} == {}


def test_la_respuesta_aparece_en_el_tablero_sin_recargar(pagina, tmp_path):
    from pantalla.banco import ServidorHilo
    from tests.conftest import AHORA
    from turnos.settings import Settings
    from turnos.web.app import crear_app

    db = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(db)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    app = crear_app(Settings(db=db, secreto="x"), reloj=lambda: AHORA)
    with ServidorHilo(app, lifespan="on") as srv:
        pagina.goto(f"{srv.url}/tablero/prueba")
        pagina.get_by_label("Usuario").fill("jefe-prueba")
        pagina.get_by_label("Contraseña").fill("contrasena-segura")
        pagina.get_by_role("button", name="Entrar").click()
        texto = pagina.locator("#csat-dia [data-campo=texto]")
        pagina.locator("#csat-dia [data-campo=texto]", has_text="sin respuestas").wait_for()
        pagina.locator("#conexion[data-estado='en-vivo']").wait_for()
        assert serias(pagina) == []
        entorno = Entorno(srv.url, Almacen(motor), centro, "")
        token = entorno.atender()
        clave = httpx.get(f"{srv.url}/api/v1/turnos/{token}").json()["encuesta"]
        r = httpx.post(f"{srv.url}/api/v1/encuestas/{clave}", json={"calificacion": 5})
        assert r.status_code == 201
        # Sin recargar: el tablero recibe su estado por websocket y el fragmento relee.
        pagina.locator("#csat-dia [data-campo=texto]", has_text="n = 1").wait_for(timeout=20000)
        assert texto.inner_text() == "100.0 % (n = 1; IC 95 %: 20.7–100.0 %)"
        assert pagina.locator("#csat-dia [data-campo=tasa]").inner_text() == "100.0 % (1 de 1)"
    motor.dispose()

"""``/pantalla/{centro}`` en Chromium real: llamados visibles y anuncios de voz en cola.

La síntesis de voz se sustituye en la página por una grabadora (``add_init_script``): así se
comprueba qué se dijo y en qué orden sin depender de voces instaladas en la máquina.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from pantalla.banco import AlmacenMemoria, ServidorHilo
from pantalla.web import OpcionesPantalla, montar_estaticos, respuesta_pantalla
from pantalla.ws import parametros, servir
from tests.browser.conftest import ARGS
from tests.conftest import omitir
from turnos.eventos.hub import Hub
from turnos.web.app import RAIZ

ESTATICOS_NUCLEO = RAIZ / "static"

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
expect: Any = None  # playwright.sync_api.expect, se importa solo si hay navegador
TOKEN = 'tok-<pantalla>&"prueba"'  # con caracteres que la plantilla debe escapar

GRABADORA = """
(() => {
  const dichos = [];
  window.__dichos = dichos;
  const voces = %s;
  class Enunciado {
    constructor(texto) { this.text = texto; this.onend = null; this.onerror = null; }
  }
  const sintesis = {
    speaking: false, pending: false, paused: false,
    getVoices: () => voces,
    speak(u) {
      dichos.push({ texto: u.text, lang: u.lang });
      setTimeout(() => u.onend && u.onend({}), 40);
    },
    cancel() {}, pause() {}, resume() {},
    addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: sintesis, configurable: true });
  window.SpeechSynthesisUtterance = Enunciado;
})();
"""
VOZ_MX = '[{lang: "es-MX", name: "Prueba MX", default: true, localService: true}]'


class Sala:
    def __init__(self, tramites: dict[str, tuple[str, str]] | None = None) -> None:
        self.hub = Hub()
        self.almacen = AlmacenMemoria(tramites=tramites)
        self.servidor = ServidorHilo(self._app())

    def _app(self) -> Starlette:
        async def pagina(request: Request) -> HTMLResponse:
            snap = await self.almacen.snapshot(request.path_params["centro"])
            return respuesta_pantalla(
                snap["centro"], token=TOKEN, opciones=OpcionesPantalla(rotacion_s=3)
            )

        async def pantalla_ws(websocket: WebSocket) -> None:
            if websocket.query_params.get("token") != TOKEN:
                await websocket.close(code=1008)
                return
            await websocket.accept()
            filtro, desde = parametros(websocket)
            await servir(
                websocket,
                self.hub,
                websocket.path_params["centro"],
                self.almacen.snapshot,
                self.almacen.replay,
                filtro=filtro,
                desde=desde,
            )

        return Starlette(
            routes=[
                Route("/pantalla/{centro}", pagina),
                WebSocketRoute("/ws/pantalla/{centro}", pantalla_ws),
                montar_estaticos(),
                Mount("/static", StaticFiles(directory=ESTATICOS_NUCLEO)),  # voz.js compartida
            ]
        )

    def publicar(self, evento: dict[str, Any]) -> dict[str, Any]:
        assert self.servidor.loop is not None
        self.hub.publicar_desde_hilo(self.servidor.loop, "demo", evento)
        return evento

    def cortar_conexiones(self) -> None:
        """Cierra en el servidor todas las sesiones (como un reinicio de trabajador)."""

        async def cortar() -> None:
            for sus in list(self.hub._canales["demo"].suscripciones):
                sus.cerrar()

        self.servidor.ejecutar(cortar())

    def llamar(
        self, turno: dict[str, Any], ventanilla: int, tipo: str = "turno_llamado"
    ) -> dict[str, Any]:
        return self.publicar(self.almacen.llamar(turno, ventanilla, tipo=tipo))


@pytest.fixture(scope="module")
def navegador() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        omitir(f"no hay Chromium en {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api as sync_api
    except ImportError:
        omitir("Playwright no instalado (pip install '.[test]')")
    global expect
    expect = sync_api.expect
    with tempfile.TemporaryDirectory() as perfil, sync_api.sync_playwright() as pw:
        contexto = pw.chromium.launch_persistent_context(
            perfil,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1920, "height": 1080},
            locale="es-MX",
        )
        yield contexto
        contexto.close()


@pytest.fixture
def sala() -> Iterator[Sala]:
    s = Sala()
    with s.servidor:
        yield s


def abrir(navegador: Any, sala: Sala, voces: str = VOZ_MX) -> Any:
    pagina = navegador.new_page()
    pagina.add_init_script(GRABADORA % voces)
    errores: list[str] = []
    pagina.on("pageerror", lambda e: errores.append(str(e)))
    pagina.goto(f"{sala.servidor.url}/pantalla/demo")
    pagina.wait_for_selector("body[data-conectado=si][data-seq]")
    pagina.errores = errores
    return pagina


def dichos(pagina: Any) -> list[str]:
    return [d["texto"] for d in pagina.evaluate("window.__dichos")]


def esperar_dichos(pagina: Any, n: int, timeout_s: float = 20) -> None:
    # Sondeo desde Python: wait_for_function evalúa texto y la CSP de la página lo prohíbe.
    limite = time.monotonic() + timeout_s
    while len(dichos(pagina)) < n:
        assert time.monotonic() < limite, f"solo se dijo {dichos(pagina)}"
        pagina.wait_for_timeout(50)


def test_llamado_muestra_folio_y_ventanilla_y_se_anuncia_en_orden(
    navegador: Any, sala: Sala
) -> None:
    al = sala.almacen
    turnos = [al.turno("LIC"), al.turno("PRED"), al.turno("LIC"), al.turno("PRED")]
    for t in turnos:
        sala.publicar(al.emitir(t["tramite"]))
    pagina = abrir(navegador, sala)
    try:
        assert pagina.text_content("#cola") is not None
        sala.llamar(turnos[0], 4)
        expect(pagina.locator("#actual-folio")).to_have_text("A-001", timeout=15_000)
        assert pagina.text_content("#actual-ventanilla") == "Ventanilla 4"
        assert "destello" in (pagina.get_attribute("#actual", "class") or "")

        # Tres llamados seguidos: cada uno una vez, en orden; ninguno pisa al anterior.
        sala.llamar(turnos[1], 2)
        sala.llamar(turnos[2], 3)
        sala.llamar(turnos[3], 1)
        esperar_dichos(pagina, 4)
        assert dichos(pagina) == [
            "Turno a 1, Ventanilla 4",
            "Turno be 1, Ventanilla 2",
            "Turno a 2, Ventanilla 3",
            "Turno be 2, Ventanilla 1",
        ]
        assert pagina.text_content("#actual-folio") == "B-002"
        filas = pagina.locator("#recientes tr").all_text_contents()
        assert filas == ["A-002Ventanilla 3", "B-001Ventanilla 2", "A-001Ventanilla 4"]
        assert pagina.locator("#cola li[data-tramite=LIC] .cuantos").text_content() == "0"

        # Un re-llamado se anuncia otra vez; lo atendido o ausente deja el frente pero sigue
        # entre los últimos llamados (para quien se distrajo), marcado y sin anunciarse.
        sala.llamar(turnos[0], 4, tipo="turno_rellamado")
        esperar_dichos(pagina, 5)
        assert dichos(pagina)[4] == "Turno a 1, Ventanilla 4"
        assert pagina.text_content("#actual-folio") == "A-001"
        sala.publicar(al.agregar("turno_finalizado", turnos[0], 4))
        sala.publicar(al.agregar("turno_ausente", turnos[2], 3))
        expect(pagina.locator("#actual-folio")).to_have_text("B-002", timeout=15_000)
        # los dos eventos llegan por separado: esperar a que el segundo también se aplique
        expect(pagina.locator("#recientes tr")).to_have_class(
            ["atendido", "ausente", "llamado"], timeout=15_000
        )
        assert pagina.locator("#recientes tr").all_text_contents() == [
            "A-001Ventanilla 4",
            "A-002Ventanilla 3",
            "B-001Ventanilla 2",
        ]
        pagina.wait_for_timeout(300)
        assert len(dichos(pagina)) == 5  # nada se repitió
        assert pagina.errores == []
    finally:
        pagina.close()


def test_reconexion_no_pierde_llamados_y_sin_voz_en_espanol_solo_destella(
    navegador: Any, sala: Sala
) -> None:
    pagina = abrir(navegador, sala, voces='[{lang: "en-US", name: "English"}]')
    try:
        sala.llamar(sala.almacen.turno("LIC"), 1)
        expect(pagina.locator("#actual-folio")).to_have_text("A-001", timeout=15_000)
        assert "destello" in (pagina.get_attribute("#actual", "class") or "")
        # Se cae el servidor de websockets un momento: los llamados de ese lapso llegan por replay.
        sala.cortar_conexiones()
        sala.llamar(sala.almacen.turno("PRED"), 2)
        expect(pagina.locator("#actual-folio")).to_have_text("B-001", timeout=15_000)
        assert pagina.get_attribute("body", "data-seq") == "2"
        assert dichos(pagina) == []  # sin voz en español no se habla con una voz extranjera
        assert pagina.errores == []
    finally:
        pagina.close()


DIEZ_TRAMITES = {
    f"T{i}": (chr(ord("A") + i), nombre)
    for i, nombre in enumerate(
        [
            "Licencia de conducir",
            "Placas y tarjeta de circulación",
            "Pago de impuesto predial",
            "Acta de nacimiento (copia certificada)",
            "Impresión y corrección de CURP",
            "Contrato de agua potable",
            "Constancia catastral",
            "Información y orientación",
            "Constancia de no adeudo",
            "Permiso de construcción",
        ]
    )
}


def _visibles_dentro(pagina: Any) -> list[str]:
    """Claves de los trámites visibles; falla si alguno sale (aunque sea en parte) de la ventana."""
    cajas = pagina.evaluate(
        """() => Array.from(document.querySelectorAll('#cola li')).map((li) => {
            const r = li.getBoundingClientRect();
            const c = document.getElementById('cola').getBoundingClientRect();
            return {clave: li.dataset.tramite, oculto: li.hidden, top: r.top, bottom: r.bottom,
                    left: r.left, right: r.right, fondo: c.bottom,
                    w: innerWidth, h: innerHeight};
        })"""
    )
    visibles = []
    for c in cajas:
        if c["oculto"]:
            continue
        assert c["top"] >= 0 and c["bottom"] <= min(c["h"], c["fondo"] + 1), c
        assert c["left"] >= 0 and c["right"] <= c["w"], c
        visibles.append(c["clave"])
    return visibles


@pytest.mark.parametrize("ancho,alto", [(1920, 1080), (1080, 1920)])
def test_diez_tramites_caben_en_pantalla_y_sin_llamados_no_hay_encabezado(
    navegador: Any, ancho: int, alto: int
) -> None:
    sala = Sala(DIEZ_TRAMITES)
    with sala.servidor:
        for clave in DIEZ_TRAMITES:
            sala.publicar(sala.almacen.emitir(clave))
        pagina = abrir(navegador, sala)
        try:
            pagina.set_viewport_size({"width": ancho, "height": alto})
            pagina.wait_for_timeout(200)
            assert pagina.locator("#cola li").count() == 10
            assert not pagina.locator("#tabla-recientes").is_visible()  # nada llamado todavía
            assert sorted(_visibles_dentro(pagina)) == sorted(DIEZ_TRAMITES)
            if os.environ.get("TURNOS_CAPTURAS"):
                pagina.screenshot(path=f"{os.environ['TURNOS_CAPTURAS']}/cola-{ancho}x{alto}.png")

            # Con llamados previos la tabla aparece, y la cola sigue cabiendo.
            turnos = [sala.almacen.turno(clave) for clave in list(DIEZ_TRAMITES)[:4]]
            for n, t in enumerate(turnos, start=1):
                sala.llamar(t, n)
            expect(pagina.locator("#recientes tr")).to_have_count(3, timeout=15_000)
            assert pagina.locator("#tabla-recientes").is_visible()
            assert sorted(_visibles_dentro(pagina)) == sorted(DIEZ_TRAMITES)
            assert pagina.errores == []
        finally:
            pagina.close()


def test_con_muchos_tramites_la_cola_rota_por_paginas(navegador: Any) -> None:
    muchos = {f"X{i:02d}": ("A", f"Trámite con nombre largo número {i}") for i in range(40)}
    sala = Sala(muchos)
    with sala.servidor:
        pagina = abrir(navegador, sala)
        try:
            visibles = _visibles_dentro(pagina)
            assert 0 < len(visibles) < 40
            assert pagina.locator("#cola-pagina").is_visible()
            assert pagina.text_content("#cola-pagina").startswith("1 de ")
            assert pagina.errores == []
        finally:
            pagina.close()

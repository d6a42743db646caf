"""`/kiosco/{centro}` y `/t/{token}` en Chromium real contra un servidor uvicorn real.

Toca como lo haría un ciudadano: trámite, información, turno general o preferente, cita,
fuera de horario, falla de impresión, inactividad. axe-core revisa cada pantalla en vertical
(1080×1920) y horizontal (1920×1080): ninguna violación seria ni crítica.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from kiosco.cli import asignar
from tests.browser.conftest import ARGS, CHROMIUM
from tests.conftest import AHORA, TODO_EL_DIA, Centro, omitir, sembrar_centro
from tests.servidor import puerto_libre, servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.dominio.horario import DIAS
from turnos.servicios import catalogo, cuentas

pytestmark = pytest.mark.browser

VERTICAL = {"width": 1080, "height": 1920}
HORIZONTAL = {"width": 1920, "height": 1080}
CELULAR = {"width": 390, "height": 844}
CELULAR_ACOSTADO = {"width": 844, "height": 390}


@dataclass
class Entorno:
    url: str
    alm: Almacen
    centro: Centro
    cerrado_token: str
    tickets: Path


@pytest.fixture(scope="module")
def navegador() -> Iterator[Any]:
    """Chromium propio del módulo: el de sesión dejaría Playwright abierto para los demás módulos,
    y test_pantalla.py abre el suyo (dos `sync_playwright` a la vez no se permiten)."""
    if not os.path.exists(CHROMIUM):
        omitir(f"no hay Chromium en {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def entorno(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Entorno]:
    carpeta = tmp_path_factory.mktemp("kiosco")
    db = f"sqlite:///{carpeta / 'turnos.db'}"
    motor = crear_motor(db)
    migrar(motor)
    alm = Almacen(motor)
    centro = sembrar_centro(alm)
    tickets = carpeta / "tickets.bin"
    asignar(alm, "kiosco-1", f"archivo://{tickets}", "generico_80mm", "prueba")
    # Un centro que hoy no abre (hora real del servidor): el resto de la semana, de 8 a 15.
    hoy = DIAS[datetime.now(ZoneInfo("America/Mexico_City")).weekday()]
    horario = {d: (None if d == hoy else ["08:00", "15:00"]) for d in DIAS}
    catalogo.crear_centro(alm, "cerrado", "Centro cerrado hoy", horario=horario)
    catalogo.importar_tramites(
        alm, "cerrado", [{"clave": "A", "nombre": "Trámite A", "prefijo": "A"}], AHORA
    )
    _, cerrado_token = cuentas.crear_dispositivo(alm, "cerrado", "kiosco", "kiosco-c", AHORA)
    with servidor(db) as srv:
        yield Entorno(srv.url, alm, centro, cerrado_token, tickets)
    motor.dispose()


def kiosco(navegador: Any, e: Entorno, viewport: dict[str, int], centro: str = "prueba") -> Any:
    contexto = navegador.new_context(viewport=viewport, locale="es-MX")
    pagina = contexto.new_page()
    token = e.cerrado_token if centro == "cerrado" else e.centro.kiosco_token
    pagina.goto(f"{e.url}/kiosco/{centro}?token={token}")
    assert pagina.url == f"{e.url}/kiosco/{centro}"  # el token ya no queda en la barra
    return pagina


def visible(pagina: Any, pantalla: str) -> Any:
    seccion = pagina.locator(f'[data-pantalla="{pantalla}"]')
    seccion.wait_for(state="visible", timeout=15000)
    return seccion


def tomar(pagina: Any, tramite: str, clase: str = "general") -> Any:
    pagina.get_by_role("button", name=tramite, exact=True).click()
    info = visible(pagina, f"tramite-{tramite[-1]}")
    nombre = "Tomar turno" if clase == "general" else "Tomar turno de atención preferente"
    info.get_by_role("button", name=nombre, exact=True).click()


def serias(pagina: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    resultado = Axe().run(pagina)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in resultado.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_tocar_un_tramite_muestra_e_imprime_el_ticket(navegador, entorno):
    p = kiosco(navegador, entorno, VERTICAL)
    boton = p.get_by_role("button", name="Trámite A", exact=True)
    caja = boton.bounding_box()
    assert caja["height"] >= 64 and caja["width"] >= 64
    tomar(p, "Trámite A")
    ticket = visible(p, "ticket")
    folio = ticket.locator('[data-campo="folio"]').inner_text()
    assert folio.startswith("A-")
    assert ticket.locator('[data-campo="impresion"]').inner_text() == "Tome su ticket impreso."
    assert ticket.locator('[data-campo="tramite"]').inner_text() == "Trámite A"
    assert ticket.locator("svg path").get_attribute("d")
    assert entorno.tickets.read_bytes().count(folio.encode()) >= 1
    ticket.get_by_role("button", name="Listo").click()
    visible(p, "inicio")
    p.context.close()


def test_atencion_preferente(navegador, entorno):
    p = kiosco(navegador, entorno, HORIZONTAL)
    p.get_by_role("button", name="Trámite B", exact=True).click()
    info = visible(p, "tramite-B")
    explicacion = info.locator(".explicacion").inner_text()
    assert "adultas mayores" in explicacion and "discapacidad" in explicacion
    assert "embarazadas" in explicacion
    assert "Gratuito: este trámite no tiene costo" in info.inner_text()
    info.get_by_role("button", name="Tomar turno de atención preferente").click()
    ticket = visible(p, "ticket")
    assert ticket.locator('[data-campo="clase"]').inner_text() == "Atención preferente"
    url = ticket.locator('[data-campo="url"]').inner_text()
    token = url.rsplit("/t/", 1)[1]
    assert httpx.get(f"{entorno.url}/api/v1/turnos/{token}").json()["clase"] == "preferente"
    p.context.close()


def test_fuera_de_horario(navegador, entorno):
    """Fuera de horario el aviso es el encabezado y los trámites no se pueden tocar (antes: se
    tocaba, se leían los requisitos y al final decía que no)."""
    p = kiosco(navegador, entorno, VERTICAL, "cerrado")
    inicio = visible(p, "inicio")
    assert inicio.locator("h1").inner_text() == "Por ahora no se emiten turnos"
    assert "Hoy no hay atención" in p.locator("[data-aviso-horario]").inner_text()
    boton = p.get_by_role("button", name="Trámite A", exact=True)
    assert boton.is_disabled()
    assert p.get_by_role("button", name="Tengo una cita", exact=True).is_disabled()
    boton.dispatch_event("click")  # un toque no lleva a ninguna parte
    assert inicio.is_visible() and p.locator('[data-pantalla="tramite-A"]').is_hidden()
    assert serias(p) == []
    p.context.close()


def test_si_no_imprime_el_ticket_queda_en_pantalla(navegador, entorno):
    asignar(
        entorno.alm,
        "kiosco-1",
        f"escpos+net://127.0.0.1:{puerto_libre()}?conexion_s=0.5",
        "generico_80mm",
        "prueba",
    )
    try:
        p = kiosco(navegador, entorno, VERTICAL)
        tomar(p, "Trámite C")
        ticket = visible(p, "ticket")
        assert (
            "No pudimos imprimir su ticket"
            in ticket.locator('[data-campo="impresion"]').inner_text()
        )
        assert ticket.locator("svg").is_visible()
        assert ticket.locator('[data-campo="folio"]').inner_text().startswith("C-")
        p.context.close()
    finally:
        asignar(entorno.alm, "kiosco-1", f"archivo://{entorno.tickets}", "generico_80mm", "prueba")


def _cita_de_ahora(e: Entorno) -> str:
    """Una cita en el siguiente horario (hora real del servidor), dentro de la ventana."""
    from citas import configuracion, reservas
    from citas.agenda import Agenda, Centro, ofrecidos
    from tests.citas_apoyo import curp

    ahora = datetime.now(ZoneInfo("UTC"))
    configuracion.guardar_agenda(
        e.alm, "prueba", "B", e.centro.jefe, ahora, lugares=5, anticipacion_min=0
    )
    configuracion.guardar_ajustes(e.alm, "prueba", e.centro.jefe, ahora, antes_min=60)
    hoy = ahora.astimezone(ZoneInfo("America/Mexico_City")).date()
    agenda = Agenda(30, 5, 30, 0)
    centro = Centro("America/Mexico_City", TODO_EL_DIA)
    h = ofrecidos(agenda, centro, ahora, hoy, hoy + timedelta(days=1))[0]
    datos = {"tramite": "B", "inicio": h.inicio.isoformat(), "nombre": "Persona", "curp": curp(7)}
    return reservas.crear(e.alm, "prueba", datos, ahora)["folio"]


def test_cita_y_escaner(navegador, entorno):
    folio = _cita_de_ahora(entorno)
    p = kiosco(navegador, entorno, VERTICAL)
    p.get_by_role("button", name="Tengo una cita").click()
    visible(p, "cita")
    p.keyboard.type("C-AAAAAA")  # un folio que no existe
    p.keyboard.press("Enter")
    assert "No encontramos su cita" in visible(p, "mensaje").locator("h1").inner_text()
    p.get_by_role("button", name="Volver al inicio").last.click()
    p.get_by_role("button", name="Tengo una cita").click()
    visible(p, "cita")
    p.keyboard.type(folio)  # un lector de códigos escribe como teclado y da Enter
    p.keyboard.press("Enter")
    ticket = visible(p, "ticket")
    assert ticket.locator('[data-campo="clase"]').inner_text() == "Cita programada"
    assert ticket.locator('[data-campo="folio"]').inner_text().startswith("B-")
    assert ticket.locator('[data-campo="impresion"]').inner_text() == "Tome su ticket impreso."
    p.context.close()


def test_vuelve_al_inicio_por_inactividad(navegador, entorno):
    contexto = navegador.new_context(viewport=VERTICAL, locale="es-MX")
    p = contexto.new_page()
    p.clock.install()
    p.goto(f"{entorno.url}/kiosco/prueba?token={entorno.centro.kiosco_token}")
    p.get_by_role("button", name="Trámite A", exact=True).click()
    visible(p, "tramite-A")
    p.clock.run_for(61_000)
    visible(p, "inicio")
    assert p.locator('[data-pantalla="tramite-A"]').is_hidden()
    contexto.close()


def test_kiosco_sin_token_no_emite(entorno):
    r = httpx.get(f"{entorno.url}/kiosco/prueba")
    assert r.status_code == 401 and "no está registrado" in r.text
    r = httpx.post(f"{entorno.url}/api/v1/kiosco/prueba/turnos", json={"tramite": "A"})
    assert r.status_code == 401 and r.json()["error"] == "no_autenticado"


@pytest.mark.parametrize("viewport", [VERTICAL, HORIZONTAL], ids=["vertical", "horizontal"])
def test_axe_en_cada_pantalla_del_kiosco(navegador, entorno, viewport):
    p = kiosco(navegador, entorno, viewport)
    fallas: dict[str, list[str]] = {"inicio": serias(p)}
    p.get_by_role("button", name="Trámite A", exact=True).click()
    visible(p, "tramite-A")
    fallas["tramite"] = serias(p)
    p.get_by_role("button", name="Tomar turno", exact=True).click()
    visible(p, "ticket")
    fallas["ticket"] = serias(p)
    p.get_by_role("button", name="Listo").click()
    p.get_by_role("button", name="Tengo una cita").click()
    visible(p, "cita")
    fallas["cita"] = serias(p)
    p.keyboard.type("C-AAAAAA")
    p.keyboard.press("Enter")
    visible(p, "mensaje")
    fallas["cita-no-encontrada"] = serias(p)
    p.context.close()
    p = kiosco(navegador, entorno, viewport, "cerrado")
    visible(p, "inicio")
    fallas["fuera_de_horario"] = serias(p)
    p.context.close()
    assert {k: v for k, v in fallas.items() if v} == {}


def _emitir(e: Entorno, tramite: str) -> str:
    r = httpx.post(
        f"{e.url}/api/v1/kiosco/prueba/turnos",
        json={"tramite": tramite},
        headers={"Authorization": f"Bearer {e.centro.kiosco_token}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["ticket"]["url"])


def test_ticket_movil_en_vivo_y_accesible(navegador, entorno):
    url = _emitir(entorno, "C")
    jefe = {"Authorization": f"Bearer {entorno.centro.jefe_token}"}
    fallas: dict[str, list[str]] = {}
    contexto = navegador.new_context(viewport=CELULAR, locale="es-MX")
    p = contexto.new_page()
    p.goto(url)
    assert p.locator("h1 .folio").inner_text().startswith("C-")
    assert p.locator('[data-campo="titulo"]').inner_text() == "En espera"
    fallas["en_espera"] = serias(p)
    base = f"{entorno.url}/api/v1/centros/prueba/ventanillas/99"
    assert httpx.post(f"{base}/abrir", headers=jefe).status_code < 300
    folio = p.locator("h1 .folio").inner_text()
    while True:  # atiende antes a los C que otras pruebas dejaron en la fila
        llamado = httpx.post(f"{base}/llamar", headers=jefe)
        assert llamado.status_code == 200, llamado.text
        if llamado.json()["folio"] == folio:
            break
        assert "¡Es su turno!" not in p.locator('[data-campo="titulo"]').inner_text()
        httpx.post(f"{base}/iniciar", headers=jefe)
        httpx.post(f"{base}/finalizar", headers=jefe)
    titulo = p.locator('[data-campo="titulo"]')
    titulo.filter(has_text="¡Es su turno!").wait_for(timeout=10000)  # llegó por el websocket
    assert titulo.inner_text() == "¡Es su turno! Pase a Ventanilla C"
    fallas["llamado"] = serias(p)
    p.set_viewport_size(CELULAR_ACOSTADO)
    fallas["llamado_horizontal"] = serias(p)
    httpx.post(f"{base}/rellamar", headers=jefe)
    httpx.post(f"{base}/ausente", headers=jefe)
    httpx.post(f"{base}/cerrar", headers=jefe)
    contexto.close()
    assert {k: v for k, v in fallas.items() if v} == {}


@pytest.mark.parametrize("viewport", [CELULAR, CELULAR_ACOSTADO], ids=["vertical", "horizontal"])
def test_ya_no_voy_a_esperar(navegador, entorno, viewport):
    url = _emitir(entorno, "C")
    contexto = navegador.new_context(viewport=viewport, locale="es-MX")
    p = contexto.new_page()
    p.goto(url)
    assert "con él se puede cancelar su turno" in p.locator(".nota").inner_text()
    p.get_by_role("button", name="Ya no voy a esperar").click()
    assert serias(p) == []
    p.get_by_role("button", name="Sí, cancelar mi turno").click()
    p.locator('[data-campo="titulo"]').filter(has_text="Cancelado").wait_for(timeout=10000)
    assert p.get_by_role("button", name="Ya no voy a esperar").is_hidden()
    assert p.locator(".nota").is_hidden()  # ya no hay nada que cancelar ni que se actualice
    p.reload()
    p.locator('[data-campo="titulo"]').filter(has_text="Cancelado").wait_for(timeout=10000)
    assert "cancelar su turno" not in p.locator("body").inner_text()
    token = url.rsplit("/t/", 1)[1]
    assert httpx.get(f"{entorno.url}/api/v1/turnos/{token}").json()["estado"] == "cancelado"
    assert serias(p) == []
    contexto.close()


def _dentro(pagina: Any, locator: Any) -> None:
    caja = locator.bounding_box()
    vista = pagina.viewport_size
    assert caja is not None
    assert caja["height"] >= 64 and caja["width"] >= 64, caja
    assert caja["x"] >= 0 and caja["x"] + caja["width"] <= vista["width"], caja
    assert caja["y"] >= 0 and caja["y"] + caja["height"] <= vista["height"], caja


def test_horizontal_diez_tramites_y_cita_caben_sin_desplazar(navegador, entorno):
    nombres = [
        ("Movilidad", "Licencia de conducir"),
        ("Movilidad", "Placas y tarjeta de circulación"),
        ("Movilidad", "Baja de vehículo"),
        ("Movilidad", "Permiso para circular sin placas"),
        ("Pagos", "Pago de impuesto predial"),
        ("Pagos", "Constancia catastral"),
        ("Registro Civil", "Acta de nacimiento (copia certificada)"),
        ("Registro Civil", "Impresión y corrección de CURP"),
        ("Servicios", "Contrato de agua potable"),
        ("Atención ciudadana", "Información y orientación"),
    ]
    # Sin tolerancia: con la de omisión (15 min), de 23:45 a 24:00 hora local el aviso de «ya no
    # se emiten turnos» empujaba la página (así falló un CI nocturno).
    catalogo.crear_centro(
        entorno.alm, "diez", "Centro con diez trámites", horario=TODO_EL_DIA, tolerancia_min=0
    )
    catalogo.importar_tramites(
        entorno.alm,
        "diez",
        [
            {"clave": f"T{i}", "nombre": n, "prefijo": "ABCDEFGHJKLMN"[i], "categoria": c}
            for i, (c, n) in enumerate(nombres)
        ],
        AHORA,
    )
    _, token = cuentas.crear_dispositivo(entorno.alm, "diez", "kiosco", "kiosco-d", AHORA)
    contexto = navegador.new_context(viewport=HORIZONTAL, locale="es-MX")
    p = contexto.new_page()
    p.goto(f"{entorno.url}/kiosco/diez?token={token}")
    for _, nombre in nombres:
        _dentro(p, p.get_by_role("button", name=nombre, exact=True))
    _dentro(p, p.get_by_role("button", name="Tengo una cita"))
    assert p.evaluate("document.documentElement.scrollHeight") <= HORIZONTAL["height"]
    contexto.close()


def test_horizontal_ticket_con_listo_a_la_vista_y_sin_promesa_de_encuesta(navegador, entorno):
    p = kiosco(navegador, entorno, HORIZONTAL)
    tomar(p, "Trámite A")
    ticket = visible(p, "ticket")
    _dentro(p, ticket.get_by_role("button", name="Listo"))
    _dentro(p, ticket.locator("svg"))
    assert "evaluar" not in ticket.inner_text().lower()
    p.context.close()


def test_respuesta_perdida_se_reintenta_con_la_misma_clave(navegador, entorno):
    """El servidor emite pero la respuesta no llega (conexión cortada): el kiosco reintenta con
    la misma Idempotency-Key y muestra ese mismo turno, sin emitir ni imprimir otro."""
    from sqlalchemy import text

    def turnos() -> int:
        with entorno.alm.lectura() as c:
            return int(c.execute(text("SELECT count(*) FROM turno")).scalar_one())

    p = kiosco(navegador, entorno, VERTICAL)
    claves: list[str | None] = []

    def cortar_la_primera(route: Any) -> None:
        claves.append(route.request.headers.get("idempotency-key"))
        if len(claves) == 1:
            route.fetch()  # llega al servidor: el turno queda emitido e impreso
            route.abort("connectionreset")
        else:
            route.continue_()

    p.route("**/api/v1/kiosco/prueba/turnos", cortar_la_primera)
    antes = turnos()
    tomar(p, "Trámite B")
    ticket = visible(p, "ticket")
    folio = ticket.locator('[data-campo="folio"]').inner_text()
    assert len(claves) == 2 and claves[0] and claves[0] == claves[1]
    assert turnos() == antes + 1
    assert ticket.locator('[data-campo="impresion"]').inner_text() == "Tome su ticket impreso."
    assert entorno.tickets.read_bytes().count(folio.encode()) == 1
    p.context.close()

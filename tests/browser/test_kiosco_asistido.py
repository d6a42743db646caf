"""Done when del issue 15: un ciudadano en modo asistido en el kiosco, en Chromium real.

Activa el modo con el teclado o con un toque, el texto crece y el contraste cambia (estilos
calculados), oye la pantalla (los enunciados pedidos a speechSynthesis: la grabadora de
test_pantalla.py con una voz es-MX), ve los íconos por categoría, elige trámite y oye su turno;
al terminar, el kiosco vuelve a normal para el siguiente. axe: 0 serias/críticas en ambos modos.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kiosco.vista import folio_hablado
from tests.browser import test_kiosco_navegador as base
from tests.browser.test_pantalla import GRABADORA, VOZ_MX
from tests.conftest import AHORA, TODO_EL_DIA
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.servicios import catalogo, cuentas

pytestmark = pytest.mark.browser

navegador = base.navegador
serias = base.serias
BOTON = "Texto grande, alto contraste y voz"


@pytest.fixture(scope="module")
def kiosco_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Un centro con categorías de trámite y su kiosco (uvicorn real, SQLite en archivo)."""
    db = f"sqlite:///{tmp_path_factory.mktemp('asistido') / 'turnos.db'}"
    motor = crear_motor(db)
    migrar(motor)
    alm = Almacen(motor)
    catalogo.crear_centro(alm, "sala", "Centro de la sala", horario=TODO_EL_DIA, tolerancia_min=0)
    catalogo.importar_tramites(
        alm,
        "sala",
        [
            {"clave": "LIC", "nombre": "Licencia de conducir", "prefijo": "L",
             "categoria": "Movilidad", "descripcion": "Expedición y renovación."},
            {"clave": "PRE", "nombre": "Pago de predial", "prefijo": "R", "categoria": "Pagos"},
            {"clave": "ACT", "nombre": "Acta de nacimiento", "prefijo": "A",
             "categoria": "Registro Civil"},
        ],
        AHORA,
    )  # fmt: skip
    catalogo.guardar_ventanilla(alm, "sala", 1, "Ventanilla 1", ["LIC", "PRE", "ACT"], AHORA)
    _, token = cuentas.crear_dispositivo(alm, "sala", "kiosco", "kiosco-sala", AHORA)
    motor.dispose()
    with servidor(db) as srv:
        yield f"{srv.url}/kiosco/sala?token={token}"


def _dichos(p: Any, n: int) -> list[str]:
    limite = time.monotonic() + 20
    while len(d := p.evaluate("window.__dichos")) < n:
        assert time.monotonic() < limite, d
        p.wait_for_timeout(50)
    return [x["texto"] for x in d]


def _estilo(p: Any, selector: str, propiedad: str) -> str:
    return str(
        p.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{propiedad}')")
    )


def _px(valor: str) -> float:
    return float(valor.removesuffix("px"))


@pytest.mark.parametrize("viewport", [base.VERTICAL, base.HORIZONTAL], ids=["vertical", "horiz"])
def test_ciudadano_en_modo_asistido(navegador: Any, kiosco_url: str, viewport: Any) -> None:
    contexto = navegador.new_context(viewport=viewport, locale="es-MX")
    p = contexto.new_page()
    p.add_init_script(GRABADORA % VOZ_MX)
    p.goto(kiosco_url)
    base.visible(p, "inicio")
    boton = p.get_by_role("button", name=BOTON, exact=True)
    assert boton.get_attribute("aria-pressed") == "false"
    assert serias(p) == []  # modo normal, ya con el interruptor y los íconos
    normal = {
        "h1": _px(_estilo(p, "h1", "font-size")),
        "tramite": _px(_estilo(p, ".tramite", "font-size")),
        "fondo": _estilo(p, "html", "background-color"),
        "texto": _estilo(p, ".tramite", "color"),
    }
    assert normal["fondo"] == "rgb(255, 255, 255)"
    # Íconos por categoría (SVG de la app, sin CDN): en los encabezados de categoría.
    iconos = p.eval_on_selector_all("h2 .icono use", "us => us.map(u => u.getAttribute('href'))")
    assert iconos[:3] == [
        "/static/kiosco/iconos.svg#auto",
        "/static/kiosco/iconos.svg#pago",
        "/static/kiosco/iconos.svg#documento",
    ]
    sprite = httpx.get(kiosco_url.split("/kiosco/")[0] + "/static/kiosco/iconos.svg")
    assert sprite.status_code == 200 and 'id="auto"' in sprite.text
    assert p.get_by_role("img").count() == 0  # decorativos: aria-hidden, no estorban al lector

    # Activar con el teclado (Enter sobre el interruptor).
    boton.focus()
    p.keyboard.press("Enter")
    assert boton.get_attribute("aria-pressed") == "true"
    assert p.evaluate("document.documentElement.classList.contains('asistido')")
    assert _px(_estilo(p, "h1", "font-size")) >= 1.25 * normal["h1"]
    assert _px(_estilo(p, ".tramite", "font-size")) >= 1.25 * normal["tramite"]
    assert _estilo(p, "html", "background-color") == "rgb(0, 0, 0)"
    assert _estilo(p, ".tramite", "color") == "rgb(255, 255, 255)"
    assert _estilo(p, ".tramite", "border-top-color") == "rgb(255, 225, 77)"
    # En alto contraste los íconos también van en cada botón de trámite, a la vista.
    caja = p.locator(".tramite .icono").first.bounding_box()
    assert caja is not None and caja["width"] >= 30
    lectura = _dichos(p, 1)[0]
    assert lectura.startswith("Modo asistido activado. Bienvenido. Toque el trámite")
    assert (
        "Opciones: Licencia de conducir, Pago de predial, Acta de nacimiento, Tengo una cita"
        in (lectura)
    )
    assert serias(p) == []  # alto contraste: axe limpio también

    # Elige trámite con un toque: la ficha se lee y el modo sigue (es la misma persona).
    p.get_by_role("button", name="Licencia de conducir", exact=True).click()
    ficha = base.visible(p, "tramite-LIC")
    assert p.evaluate("document.documentElement.classList.contains('asistido')")
    dichos = _dichos(p, 2)
    assert any(
        d.startswith("Licencia de conducir. Expedición y renovación.") and "Costo" in d
        and "Opciones: Tomar turno, Tomar turno de atención preferente" in d
        for d in dichos
    ), dichos  # fmt: skip
    assert serias(p) == []
    n = len(dichos)
    ficha.get_by_role("button", name="Tomar turno", exact=True).click()
    ticket = base.visible(p, "ticket")
    folio = ticket.locator('[data-campo="folio"]').inner_text()
    assert folio.startswith("L-")
    limite = time.monotonic() + 20
    while not any(d.startswith("Su turno es") for d in _dichos(p, n + 1)[n:]):
        assert time.monotonic() < limite
        p.wait_for_timeout(50)
    dicho = next(d for d in _dichos(p, n + 1)[n:] if d.startswith("Su turno es"))
    assert dicho.startswith(f"Su turno es {folio_hablado(folio)}. Trámite: Licencia de conducir.")
    assert "Espera estimada" in dicho and "Opciones: Listo" in dicho
    assert serias(p) == []

    # Termina: «Listo» devuelve el kiosco a normal para el siguiente ciudadano.
    total = len(p.evaluate("window.__dichos"))
    ticket.get_by_role("button", name="Listo", exact=True).click()
    base.visible(p, "inicio")
    assert boton.get_attribute("aria-pressed") == "false"
    assert not p.evaluate("document.documentElement.classList.contains('asistido')")
    assert _px(_estilo(p, "h1", "font-size")) == normal["h1"]
    assert _estilo(p, "html", "background-color") == normal["fondo"]
    assert _estilo(p, ".tramite", "color") == normal["texto"]
    p.wait_for_timeout(300)
    assert len(p.evaluate("window.__dichos")) == total  # en modo normal no se lee nada

    # Un toque vuelve a activarlo (y lo dice).
    boton.click()
    assert boton.get_attribute("aria-pressed") == "true"
    assert _dichos(p, total + 1)[total].startswith("Modo asistido activado.")
    contexto.close()

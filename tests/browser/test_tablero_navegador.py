"""En Chromium real: el tablero se actualiza sin recargar cuando se llama un turno por la API,
y la evidencia MAS se imprime a PDF en una página."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from metricas import cli
from metricas.consultas import informe, olvidar_cache
from pantalla.banco import ServidorHilo
from tests.conftest import AHORA, sembrar_centro
from tests.integration.test_metricas_kpis import DIA, escenario
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.settings import Settings
from turnos.web.app import crear_app

pytestmark = pytest.mark.browser


@pytest.fixture
def vivo(tmp_path) -> Iterator[tuple[ServidorHilo, Any]]:
    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(url)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    olvidar_cache()
    app = crear_app(Settings(db=url, secreto="x"), reloj=lambda: AHORA)
    srv = ServidorHilo(app, lifespan="on")  # arranque real: hub y publicación
    with srv:
        yield srv, centro


def test_llamado_por_la_api_aparece_sin_recargar(pagina, vivo) -> None:
    srv, centro = vivo
    api = f"{srv.url}/api/v1/centros/prueba"
    personal = {"Authorization": f"Bearer {centro.staff_tokens[0]}"}
    r = httpx.post(
        f"{api}/turnos",
        json={"tramite": "A"},
        headers={"Authorization": f"Bearer {centro.kiosco_token}"},
    )
    assert r.status_code == 201
    pagina.goto(f"{srv.url}/tablero/prueba")
    assert "/login" in pagina.url
    pagina.get_by_label("Usuario").fill("jefe-prueba")
    pagina.get_by_label("Contraseña").fill("contrasena-segura")
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url(re.compile(r"/tablero/prueba$"))
    pagina.locator("#conexion[data-estado='en-vivo']").wait_for()
    pagina.locator("#grafica-llegadas .uplot").wait_for()  # uPlot local, sin CDN
    fila = pagina.locator("#ventanillas tr[data-numero='1']")
    assert fila.locator(".folio").inner_text() == "—"
    # Al cargar, los movimientos de hoy ya están (del estado inicial), en español y hora local.
    assert pagina.locator("#bitacora li").all_inner_texts() == [
        "10:00:00 Turno A-001 emitido · Trámite A"
    ]
    marca = pagina.evaluate("window.__sin_recargar = 1")
    assert httpx.post(f"{api}/ventanillas/1/abrir", headers=personal).status_code == 200
    assert httpx.post(f"{api}/ventanillas/1/llamar", headers=personal).status_code == 200
    pagina.locator("#ventanillas tr[data-numero='1'] .folio", has_text="A-001").wait_for(
        timeout=5000
    )
    assert pagina.evaluate("window.__sin_recargar") == 1 and marca == 1
    assert "Atendiendo" in fila.inner_text()
    pagina.locator("#bitacora li", has_text="Turno A-001 llamado a Ventanilla 1").wait_for()
    assert "Ventanilla 1 abierta" in pagina.locator("#bitacora").inner_text()
    assert pagina.locator("#resumen [data-campo='esperando']").inner_text() == "0"


def test_evidencia_mas_imprime_a_pdf_en_una_pagina(navegador, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(url)
    migrar(motor)
    alm = Almacen(motor)
    olvidar_cache()
    escenario(alm, sembrar_centro(alm))
    with alm.lectura() as conn:
        inf = informe(motor, conn, "prueba", DIA, DIA, DIA)
    html = cli.html_evidencia(inf)
    motor.dispose()
    contexto = navegador.new_context(locale="es-MX")
    pagina = contexto.new_page()
    pagina.set_content(html)
    assert pagina.locator("tbody tr").count() == 3
    assert pagina.locator("h1").inner_text().startswith("Modernización")
    pdf = pagina.pdf(prefer_css_page_size=True, print_background=True)
    contexto.close()
    assert pdf.startswith(b"%PDF")
    paginas = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert paginas == 1, f"la evidencia ocupa {paginas} páginas"
    (tmp_path / "evidencia.pdf").write_bytes(pdf)


def test_tablero_lleno_sin_violaciones_serias_de_axe(pagina, vivo) -> None:
    """Con más movimientos de los que caben, la bitácora se recorre con el teclado (axe:
    scrollable-region-focusable era el único hallazgo serio del tablero)."""
    from tests.browser.test_kiosco_navegador import serias

    srv, centro = vivo
    kiosco = {"Authorization": f"Bearer {centro.kiosco_token}"}
    for _ in range(40):
        r = httpx.post(
            f"{srv.url}/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=kiosco
        )
        assert r.status_code == 201
    pagina.goto(f"{srv.url}/tablero/prueba")
    pagina.get_by_label("Usuario").fill("jefe-prueba")
    pagina.get_by_label("Contraseña").fill("contrasena-segura")
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url(re.compile(r"/tablero/prueba$"))
    pagina.locator("#conexion[data-estado='en-vivo']").wait_for()
    pagina.set_viewport_size({"width": 1280, "height": 800})
    pagina.evaluate("document.getElementById('bitacora').style.maxHeight = '5rem'")
    alto = pagina.evaluate("document.getElementById('bitacora').scrollHeight")
    visible = pagina.evaluate("document.getElementById('bitacora').clientHeight")
    assert alto > visible  # de verdad se desborda: la regla de axe aplica
    assert serias(pagina) == []

"""La TV (`/pantalla/{centro}`, app real en Chromium): los últimos llamados siguen a la vista
después de empezar a atenderse (y de terminar), y la espera estimada por trámite aparece junto
a los conteos y cambia por push al emitir. axe: 0 serias/críticas."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from pantalla.banco import ServidorHilo
from tests.browser import test_tablero_navegador
from tests.browser.test_kiosco_navegador import serias
from tests.browser.test_pantalla import GRABADORA, VOZ_MX

pytestmark = pytest.mark.browser

vivo = test_tablero_navegador.vivo  # la app real en un hilo (reloj fijo), como en el tablero


def _api(srv: ServidorHilo, centro: Any) -> tuple[str, dict[str, str], list[dict[str, str]]]:
    kiosco = {"Authorization": f"Bearer {centro.kiosco_token}"}
    personal = [{"Authorization": f"Bearer {t}"} for t in centro.staff_tokens]
    return f"{srv.url}/api/v1/centros/prueba", kiosco, personal


def _emitir(srv: ServidorHilo, centro: Any, tramite: str = "A") -> str:
    api, kiosco, _ = _api(srv, centro)
    r = httpx.post(f"{api}/turnos", json={"tramite": tramite}, headers=kiosco)
    assert r.status_code == 201, r.text
    return str(r.json()["folio"])


def _ventanilla(srv: ServidorHilo, centro: Any, n: int, accion: str) -> None:
    api, _, personal = _api(srv, centro)
    r = httpx.post(f"{api}/ventanillas/{n}/{accion}", headers=personal[n - 1])
    assert r.status_code == 200, r.text


def _espera(pagina: Any, tramite: str) -> Any:
    return pagina.locator(f"#cola li[data-tramite={tramite}] .espera-estimada")


def test_ultimos_llamados_y_espera_estimada_por_tramite(pagina: Any, vivo: Any) -> None:
    from playwright.sync_api import expect

    srv, centro = vivo
    folios = [_emitir(srv, centro) for _ in range(3)]
    pagina.add_init_script(GRABADORA % VOZ_MX)
    pagina.goto(f"{srv.url}/pantalla/prueba?token={centro.pantalla_token}&ultimos=6")
    pagina.wait_for_selector("body[data-conectado=si][data-seq]")
    assert pagina.evaluate("document.body.dataset.maximo") == "6"

    # Sin ventanillas abiertas no hay estimación; con gente en espera y sin gente, igual.
    expect(_espera(pagina, "A")).to_have_text("Sin estimación", timeout=15_000)
    expect(_espera(pagina, "B")).to_have_text("Sin estimación")

    # Se llaman y se empiezan a atender dos turnos: siguen a la vista como últimos llamados.
    for n in (1, 2):
        _ventanilla(srv, centro, n, "abrir")
        _ventanilla(srv, centro, n, "llamar")
        _ventanilla(srv, centro, n, "iniciar")
    expect(pagina.locator("#actual-folio")).to_have_text(folios[1], timeout=15_000)
    expect(pagina.locator("#recientes tr")).to_have_text([f"{folios[0]}Ventanilla 1"])
    expect(pagina.locator("#recientes tr")).to_have_class(["en_atencion"])
    assert pagina.locator("#tabla-recientes caption").inner_text() == "Últimos llamados"

    # Termina la atención del más reciente: sigue en la lista (atendido), al frente el otro.
    _ventanilla(srv, centro, 2, "finalizar")
    expect(pagina.locator("#actual-folio")).to_have_text(folios[0], timeout=15_000)
    expect(pagina.locator("#recientes tr")).to_have_text([f"{folios[1]}Ventanilla 2"])
    expect(pagina.locator("#recientes tr")).to_have_class(["atendido"])

    # Una recarga completa (corte de luz de la TV) no borra los últimos llamados: el snapshot
    # los trae de la BD, con su estado.
    pagina.reload()
    pagina.wait_for_selector("body[data-conectado=si][data-seq]")
    expect(pagina.locator("#actual-folio")).to_have_text(folios[0], timeout=15_000)
    expect(pagina.locator("#recientes tr")).to_have_text([f"{folios[1]}Ventanilla 2"])
    expect(pagina.locator("#recientes tr")).to_have_class(["atendido"])

    # Con una ventanilla libre, el que espera tiene un rango; al emitir más, cambia por push.
    expect(_espera(pagina, "A")).to_have_text(
        re.compile(r"^Espera: \d+ a \d+ min$"), timeout=15_000
    )
    expect(pagina.locator("#cola li[data-tramite=A] .cuantos")).to_have_text("1")
    antes = _espera(pagina, "A").inner_text()
    for _ in range(4):
        _emitir(srv, centro)
    expect(pagina.locator("#cola li[data-tramite=A] .cuantos")).to_have_text("5", timeout=15_000)
    expect(_espera(pagina, "A")).not_to_have_text(antes, timeout=15_000)
    assert _espera(pagina, "A").inner_text().startswith("Espera: ")
    expect(_espera(pagina, "B")).to_have_text("Sin estimación")
    assert "Persona" not in pagina.inner_text("body")  # sin nombres de personas
    assert serias(pagina) == []


def test_ultimos_fuera_de_rango_es_un_error_claro(vivo: Any) -> None:
    srv, centro = vivo
    for malo in ("0", "abc", "99"):
        r = httpx.get(f"{srv.url}/pantalla/prueba?token={centro.pantalla_token}&ultimos={malo}")
        assert r.status_code == 400 and "ultimos: un número de 1 a 20" in r.text

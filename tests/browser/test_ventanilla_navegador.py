"""En Chromium real: iniciar sesión, abrir ventanilla, llamar (con atajo de teclado), finalizar."""

import httpx
import pytest

pytestmark = pytest.mark.browser


def test_login_abrir_llamar_finalizar(pagina, sembrado):
    s, centro = sembrado
    r = httpx.post(
        f"{s.url}/api/v1/centros/prueba/turnos",
        json={"tramite": "A"},
        headers={"Authorization": f"Bearer {centro.kiosco_token}"},
    )
    assert r.status_code == 201
    pagina.goto(f"{s.url}/ventanilla")
    assert "/login" in pagina.url
    pagina.get_by_label("Usuario").fill("v1-prueba")
    pagina.get_by_label("Contraseña").fill("contrasena-segura")
    pagina.get_by_role("button", name="Entrar").click()
    pagina.get_by_role("button", name="Abrir Ventanilla 1").click()
    pagina.get_by_text("Ventanilla abierta.").wait_for()
    pagina.keyboard.press("l")  # atajo: llamar siguiente
    pagina.get_by_text("Turno A-001 llamado.").wait_for()
    assert pagina.locator(".turno-actual .folio").inner_text() == "A-001"
    pagina.get_by_role("button", name="Finalizar").click()
    pagina.get_by_text("Turno A-001 finalizado.").wait_for()
    assert pagina.get_by_text("Sin turno en atención.").is_visible()
    publico = httpx.get(f"{s.url}/api/v1/turnos/{r.json()['token']}").json()
    assert publico["estado"] == "atendido"
    # la cola se actualiza sola (websocket) cuando el kiosco emite, sin recargar
    pagina.wait_for_selector("#cola[data-envivo=si]")
    celda = pagina.locator('#cola tr[data-clave="B"] td.num')
    assert celda.inner_text() == "0"
    httpx.post(
        f"{s.url}/api/v1/centros/prueba/turnos",
        json={"tramite": "B"},
        headers={"Authorization": f"Bearer {centro.kiosco_token}"},
    )
    from playwright.sync_api import expect

    expect(celda).to_have_text("1", timeout=10_000)


def test_un_summary_con_el_foco_lleva_el_mismo_anillo_que_los_botones(pagina, sembrado):
    s, _ = sembrado
    pagina.goto(f"{s.url}/ventanilla")
    pagina.get_by_label("Usuario").fill("v1-prueba")
    pagina.get_by_label("Contraseña").fill("contrasena-segura")
    pagina.get_by_role("button", name="Entrar").click()
    pagina.get_by_role("button", name="Abrir Ventanilla 1").click()
    pagina.get_by_text("Ventanilla abierta.").wait_for()

    def anillo(selector: str) -> list[str]:
        pagina.focus(selector)
        return pagina.eval_on_selector(
            selector,
            "e => { const c = getComputedStyle(e); return [c.outlineStyle, c.outlineWidth,"
            " c.outlineColor]; }",
        )

    boton = anillo("button")
    assert boton[0] == "solid" and boton[1] == "3px"
    assert anillo("summary") == boton

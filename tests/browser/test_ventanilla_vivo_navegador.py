"""En Chromium real (issue 15, ítems 1, 5 y 6): la lista de espera que se actualiza sola, llamar
desde ella, acciones sin recargar con el foco en la acción primaria, el doble pulso ignorado, el
cronómetro desde «iniciar», la sesión vencida y el aterrizaje del jefe; axe en /ventanilla y
/login."""

import re
import threading

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.test_kiosco_navegador import serias
from turnos.web.ventanilla_vivo import MENSAJE_EXPIRO

pytestmark = pytest.mark.browser


def esperando_a(s, centro):
    cola = httpx.get(
        f"{s.url}/api/v1/centros/prueba/cola",
        headers={"Authorization": f"Bearer {centro.kiosco_token}"},
    ).json()
    return next(t["esperando"] for t in cola["tramites"] if t["clave"] == "A")


def csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def iniciar_sesion(cliente, usuario):
    datos = {"csrf": csrf(cliente.get("/login").text), "usuario": usuario}
    r = cliente.post("/login", data={**datos, "password": "contrasena-segura"})
    assert r.status_code == 303


def emitir(s, centro, tramite="A"):
    r = httpx.post(
        f"{s.url}/api/v1/centros/prueba/turnos",
        json={"tramite": tramite},
        headers={"Authorization": f"Bearer {centro.kiosco_token}"},
    )
    assert r.status_code == 201
    return r.json()


def entrar(pagina, usuario="v1-prueba"):
    pagina.get_by_label("Usuario").fill(usuario)
    pagina.get_by_label("Contraseña").fill("contrasena-segura")
    pagina.get_by_role("button", name="Entrar").click()


def abrir_ventanilla(pagina, s):
    pagina.goto(f"{s.url}/ventanilla")
    entrar(pagina)
    pagina.get_by_role("button", name="Abrir Ventanilla 1").click()
    pagina.get_by_text("Ventanilla abierta.").wait_for()
    pagina.wait_for_selector("#cola[data-envivo=si]")
    pagina.evaluate("window.__sinRecargar = 'sigue'")  # se pierde si la página navega


def sin_recargar(pagina):
    return pagina.evaluate("window.__sinRecargar") == "sigue"


def foco_en_primaria(pagina):
    return pagina.evaluate("document.activeElement.hasAttribute('data-primaria')")


def test_lista_en_vivo_llamar_de_ella_iniciar_y_finalizar_sin_recargar(pagina, sembrado):
    s, centro = sembrado
    abrir_ventanilla(pagina, s)
    lista = pagina.locator("#cola-ventanilla")
    expect(lista).to_contain_text("Nadie espera en sus trámites.")
    assert foco_en_primaria(pagina)  # «Llamar siguiente»
    emitir(s, centro, "A")
    emitir(s, centro, "B")
    emitir(s, centro, "C")  # no es de esta ventanilla
    expect(lista.locator("tr[data-folio]")).to_have_count(2, timeout=10_000)
    expect(lista.locator("tr[data-folio]").first).to_contain_text("Trámite A")
    assert lista.locator('tr[data-folio="C-001"]').count() == 0
    assert serias(pagina) == []

    pagina.get_by_label("Motivo para llamar un turno fuera de orden").fill("Trámite rápido")
    pagina.get_by_role("button", name="Llamar B-001").click()
    pagina.get_by_text("Turno B-001 llamado.").wait_for()
    assert pagina.locator(".turno-actual .folio").inner_text() == "B-001"
    assert sin_recargar(pagina) and foco_en_primaria(pagina)
    assert pagina.evaluate("document.activeElement.textContent").startswith("Iniciar atención")
    crono = pagina.locator(".cronometro")
    expect(crono).to_contain_text("Desde el llamado:")
    assert crono.get_attribute("data-fase") == "llamado"
    expect(lista.locator("tr[data-folio]")).to_have_count(1)  # A-001 sigue esperando
    assert serias(pagina) == []

    pagina.keyboard.press("i")  # el atajo sigue funcionando tras reemplazar la región
    pagina.get_by_text("Atención de B-001 iniciada.").wait_for()
    expect(crono).to_contain_text("Tiempo de atención:")
    assert crono.get_attribute("data-fase") == "atencion"
    assert crono.get_attribute("data-desde") != ""
    expect(crono.locator(".reloj")).to_have_text(re.compile(r"^\d+:\d\d$"))
    assert sin_recargar(pagina)
    assert pagina.evaluate("document.activeElement.textContent").startswith("Finalizar")

    pagina.keyboard.press("f")
    pagina.get_by_text("Turno B-001 finalizado.").wait_for()
    assert sin_recargar(pagina) and foco_en_primaria(pagina)
    # la lista sigue viva tras los reemplazos: un turno nuevo aparece solo
    emitir(s, centro, "A")
    expect(lista.locator("tr[data-folio]")).to_have_count(2, timeout=10_000)
    expect(pagina.locator('#cola tr[data-clave="A"] td.num')).to_have_text("2", timeout=10_000)
    assert sin_recargar(pagina)


def test_doble_pulso_se_ignora_sin_error(pagina, sembrado):
    s, centro = sembrado
    emitir(s, centro, "A")
    emitir(s, centro, "A")
    abrir_ventanilla(pagina, s)
    pagina.get_by_role("button", name="Llamar siguiente").dblclick()
    pagina.get_by_text("Turno A-001 llamado.").wait_for()
    expect(pagina.locator("#cola-ventanilla tr[data-folio]")).to_have_count(1)
    assert pagina.locator(".aviso-error").count() == 0
    assert sin_recargar(pagina)
    assert esperando_a(s, centro) == 1


def test_dos_post_simultaneos_del_mismo_intento_hacen_una_sola_accion(sembrado):
    s, centro = sembrado
    emitir(s, centro, "A")
    emitir(s, centro, "A")
    with httpx.Client(base_url=s.url) as c:
        iniciar_sesion(c, "v1-prueba")
        token = csrf(c.get("/ventanilla").text)  # iniciar sesión da un token CSRF nuevo
        c.post("/ventanilla", data={"csrf": token, "numero": 1, "accion": "abrir"})
        pagina = c.get("/ventanilla").text
        intento = re.search(
            r'value="llamar">\s*<input type="hidden" name="intento" value="([^"]+)"', pagina
        ).group(1)
        datos = {"csrf": token, "numero": 1, "accion": "llamar", "intento": intento}
        cookies = dict(c.cookies)
    respuestas: list[str] = []

    def enviar():
        with httpx.Client(base_url=s.url, cookies=cookies, follow_redirects=True) as otro:
            respuestas.append(otro.post("/ventanilla", data=datos).text)

    hilos = [threading.Thread(target=enviar) for _ in range(2)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    assert len(respuestas) == 2
    assert sum("Turno A-001 llamado." in r for r in respuestas) == 1
    assert sum("ya se había enviado" in r for r in respuestas) == 1
    assert not any("aviso-error" in r for r in respuestas)
    assert esperando_a(s, centro) == 1


def test_sesion_vencida_avisa_y_vuelve_a_su_ventanilla(pagina, sembrado, tmp_path):
    s, centro = sembrado
    emitir(s, centro, "A")
    abrir_ventanilla(pagina, s)
    motor = create_engine(f"sqlite:///{tmp_path / 'turnos.db'}")
    with motor.begin() as conn:
        conn.execute(text("DELETE FROM sesion"))
    # La caché de actores del servidor vale unos segundos; un cierre de sesión en ese proceso la
    # vacía (como cualquier revocación): la sesión borrada deja de valer ya.
    with httpx.Client(base_url=s.url) as c:
        iniciar_sesion(c, "jefe-prueba")
        c.post("/logout", data={"csrf": csrf(c.get("/cuenta").text)})
    pagina.get_by_role("button", name="Llamar siguiente").click()
    pagina.wait_for_url(re.compile(r"/login\?"))
    alerta = pagina.get_by_role("alert")
    expect(alerta).to_have_text(MENSAJE_EXPIRO)
    assert serias(pagina) == []
    with motor.connect() as conn:
        assert conn.execute(text("SELECT estado FROM turno")).scalar() == "en_espera"
    motor.dispose()
    entrar(pagina)
    pagina.wait_for_url(re.compile(r"/ventanilla\?numero=1$"))
    expect(pagina.get_by_role("heading", level=1)).to_have_text("Ventanilla 1")
    pagina.get_by_role("button", name="Llamar siguiente").click()
    pagina.get_by_text("Turno A-001 llamado.").wait_for()


def test_el_jefe_aterriza_en_el_tablero_de_su_centro(pagina, sembrado):
    s, _ = sembrado
    pagina.goto(f"{s.url}/login")
    assert serias(pagina) == []
    entrar(pagina, "jefe-prueba")
    pagina.wait_for_url(re.compile(r"/tablero/prueba$"))


def test_no_se_presento_se_habilita_solo_al_cumplirse_el_plazo(pagina, sembrado, tmp_path):
    """Sin rellamada, «No se presentó» está deshabilitado con su motivo y se habilita solo, sin
    recargar, cuando pasan los segundos del centro (el servidor dice cuántos faltan)."""
    s, centro = sembrado
    motor = create_engine(f"sqlite:///{tmp_path / 'turnos.db'}")
    with motor.begin() as conn:
        conn.execute(text("UPDATE centro SET ausente_tras_s = 4"))
    motor.dispose()
    emitir(s, centro, "A")
    abrir_ventanilla(pagina, s)
    pagina.get_by_role("button", name="Llamar siguiente").click()
    pagina.get_by_text("Turno A-001 llamado.").wait_for()
    boton = pagina.get_by_role("button", name="No se presentó")
    expect(boton).to_be_disabled()
    expect(pagina.locator("#motivo-ausente")).not_to_be_empty()
    expect(boton).to_be_enabled(timeout=15_000)
    assert sin_recargar(pagina)
    assert pagina.locator("#motivo-ausente").count() == 0
    # El foco no se mueve solo: sigue en la acción que el empleado tenía enfocada.
    assert pagina.evaluate("document.activeElement.textContent").startswith("Iniciar atención")
    pagina.keyboard.press("a")
    pagina.get_by_text("Turno A-001 marcado ausente.").wait_for()

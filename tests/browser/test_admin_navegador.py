"""En Chromium real: desactivar una cuenta pide confirmación; «Cancelar» no hace nada."""

import pytest

pytestmark = pytest.mark.browser


def test_desactivar_pide_confirmacion(pagina, sembrado):
    s, _ = sembrado
    pagina.goto(f"{s.url}/admin/prueba/usuarios")
    pagina.get_by_label("Usuario").fill("jefe-prueba")
    pagina.get_by_label("Contraseña").fill("contrasena-segura")
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url("**/admin/prueba/usuarios")
    fila = pagina.locator("tr", has_text="v1-prueba")
    mensajes: list[str] = []

    def rechazar(dialogo):
        mensajes.append(dialogo.message)
        dialogo.dismiss()

    pagina.once("dialog", rechazar)
    fila.get_by_role("button", name="Desactivar").click()
    assert mensajes and "v1-prueba" in mensajes[0]
    pagina.reload()
    assert pagina.locator("tr", has_text="v1-prueba").locator("td").nth(3).inner_text() == "sí"

    pagina.once("dialog", lambda d: d.accept())
    pagina.locator("tr", has_text="v1-prueba").get_by_role("button", name="Desactivar").click()
    pagina.get_by_text("Cuenta desactivada").wait_for()
    assert pagina.locator("tr", has_text="v1-prueba").locator("td").nth(3).inner_text() == "no"

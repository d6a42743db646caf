"""/admin: voz de las pantallas por centro (nombre, velocidad, volumen) y su efecto en
/pantalla; valores malos dan un mensaje claro, nunca un 500."""

from __future__ import annotations

import re

from tests.e2e.test_paginas_personal import csrf, entrar


def _dato(html: str, nombre: str) -> str:
    encontrado = re.search(rf'data-{nombre}="([^"]*)"', html)
    assert encontrado, nombre
    return encontrado.group(1)


def test_voz_del_centro_se_configura_en_admin_y_llega_a_la_pantalla(cliente, centro):
    entrar(cliente, "jefe-prueba")
    pagina = cliente.get("/admin/prueba/centro")
    assert "Voz de las pantallas" in pagina.text and "Escuchar un ejemplo" in pagina.text
    r = cliente.post(
        "/admin/prueba/centro",
        data={
            "csrf": csrf(pagina.text),
            "formulario": "voz",
            "voz_nombre": "Spanish (Latin America) espeak-ng",
            "voz_velocidad": "1.1",
            "voz_volumen": "80",
        },
    )
    assert "Voz de las pantallas guardada" in r.text
    assert 'value="Spanish (Latin America) espeak-ng"' in r.text and 'value="80"' in r.text
    assert "Centro de prueba" in r.text  # el resto del centro no se tocó

    html = cliente.get(f"/pantalla/prueba?token={centro.pantalla_token}").text
    assert _dato(html, "voz-nombre") == "Spanish (Latin America) espeak-ng"
    assert (_dato(html, "velocidad"), _dato(html, "volumen")) == ("1.1", "0.8")
    assert _dato(html, "idiomas") == "es-MX,es-419,es-US,es"


def test_voz_con_valores_malos_dice_por_que(cliente, centro):
    entrar(cliente, "jefe-prueba")
    t = csrf(cliente.get("/admin/prueba/centro").text)
    r = cliente.post(
        "/admin/prueba/centro",
        data={"csrf": t, "formulario": "voz", "voz_velocidad": "9", "voz_volumen": "50"},
    )
    assert r.status_code == 400 and "Velocidad de la voz: debe estar entre 0.5 y 2." in r.text
    assert 'name="voz_velocidad" type="number" min="0.5" max="2" step="0.05" value="9"' in r.text
    html = cliente.get(f"/pantalla/prueba?token={centro.pantalla_token}").text
    assert (_dato(html, "velocidad"), _dato(html, "volumen")) == ("0.9", "1.0")

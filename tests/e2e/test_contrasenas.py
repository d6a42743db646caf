"""Contraseñas (issue 8 punto 5): restablecer por jefatura obliga a cambiarla al entrar; la
propia se cambia en /cuenta con la actual y respetando la longitud mínima."""

from tests.e2e.test_paginas_personal import csrf, entrar

TEMPORAL = "temporal-de-jefatura"


def _cambiar(cliente, actual, nueva, confirmar=None):
    pagina = cliente.get("/cuenta")
    return cliente.post(
        "/cuenta",
        data={
            "csrf": csrf(pagina.text),
            "actual": actual,
            "nueva": nueva,
            "confirmar": nueva if confirmar is None else confirmar,
        },
    )


def _restablecer(cliente, centro_slug, uid):
    pagina = cliente.get(f"/admin/{centro_slug}/usuarios")
    assert "Restablecer contraseña" in pagina.text
    return cliente.post(
        f"/admin/{centro_slug}/usuarios",
        data={"csrf": csrf(pagina.text), "restablecer": str(uid), "temporal": TEMPORAL},
    )


def test_restablecida_por_jefatura_obliga_a_cambiarla(cliente, centro):
    assert entrar(cliente, "jefe-prueba").status_code == 303
    assert "deberá cambiarla al entrar" in _restablecer(cliente, "prueba", centro.staff[0].id).text
    cliente.cookies.clear()
    assert entrar(cliente, "v1-prueba").status_code == 401  # la anterior ya no vale
    r = entrar(cliente, "v1-prueba", TEMPORAL)
    assert r.status_code == 303 and r.headers["location"] == "/cuenta"
    r = cliente.get("/ventanilla", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cuenta"
    assert "restablecida" in cliente.get("/cuenta").text
    assert "al menos 10" in _cambiar(cliente, TEMPORAL, "corta").text
    assert "no coincide" in _cambiar(cliente, TEMPORAL, "la-nueva-propia", "otra-cosa-x").text
    assert "no es correcta" in _cambiar(cliente, "equivocada-123", "la-nueva-propia").text
    assert "Contraseña cambiada" in _cambiar(cliente, TEMPORAL, "la-nueva-propia").text
    assert cliente.get("/ventanilla", follow_redirects=False).status_code == 200
    cliente.cookies.clear()
    assert entrar(cliente, "v1-prueba", "la-nueva-propia").headers["location"] == "/ventanilla"


def test_jefe_de_otro_centro_no_restablece(cliente, centro, alm):
    from tests.conftest import sembrar_centro

    sembrar_centro(alm, "otro", ventanillas=1)
    assert entrar(cliente, "jefe-otro").status_code == 303
    assert "No tiene permiso" in _restablecer(cliente, "otro", centro.staff[0].id).text
    cliente.cookies.clear()
    assert entrar(cliente, "v1-prueba").status_code == 303

"""Sesiones revocables en el servidor (issue 8 punto 3): el ataque es reusar una cookie copiada."""

from sqlalchemy import text

from tests.e2e.test_paginas_personal import csrf, entrar
from turnos.servicios import cuentas


def _repetir(cliente, cookie):
    """Otro navegador con la cookie copiada: ¿entra a /ventanilla?"""
    cliente.cookies.clear()
    cliente.cookies.set("turnos_sesion", cookie)
    r = cliente.get("/ventanilla", follow_redirects=False)
    return r.status_code == 200


def _copiar_y_administrar(cliente, usuario, campo, uid):
    """`usuario` entra (se copia su cookie); la jefa aplica `campo` a su cuenta desde /admin."""
    assert entrar(cliente, usuario).status_code == 303
    copiada = cliente.cookies.get("turnos_sesion")
    cliente.cookies.clear()
    assert entrar(cliente, "jefe-prueba").status_code == 303
    pagina = cliente.get("/admin/prueba/usuarios")
    r = cliente.post("/admin/prueba/usuarios", data={"csrf": csrf(pagina.text), campo: str(uid)})
    return copiada, r.text


def test_cookie_copiada_no_vale_tras_cerrar_sesion(cliente, centro):
    assert entrar(cliente, "v1-prueba").status_code == 303
    copiada = cliente.cookies.get("turnos_sesion")
    pagina = cliente.get("/ventanilla")
    assert pagina.status_code == 200
    r = cliente.post("/logout", data={"csrf": csrf(pagina.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert not _repetir(cliente, copiada)


def test_desactivar_cuenta_termina_sus_sesiones(cliente, centro, alm):
    copiada, texto = _copiar_y_administrar(cliente, "v1-prueba", "desactivar", centro.staff[0].id)
    assert "Cuenta desactivada" in texto
    # Reactivarla no revive la cookie vieja.
    cuentas.cambiar_usuario(alm, centro.staff[0].id, activo=True)
    cliente.app.state.actores.olvidar()
    assert not _repetir(cliente, copiada)


def test_admin_cierra_sesiones_de_otra_persona(cliente, centro):
    copiada, texto = _copiar_y_administrar(
        cliente, "v2-prueba", "cerrar_sesiones", centro.staff[1].id
    )
    assert "Sesiones cerradas" in texto
    assert not _repetir(cliente, copiada)


def test_cambio_de_contrasena_termina_las_otras_sesiones(cliente, centro, alm):
    assert entrar(cliente, "v1-prueba").status_code == 303
    otra = cliente.cookies.get("turnos_sesion")
    cliente.cookies.clear()
    assert entrar(cliente, "v1-prueba").status_code == 303
    pagina = cliente.get("/cuenta")
    assert pagina.status_code == 200
    r = cliente.post(
        "/cuenta",
        data={
            "csrf": csrf(pagina.text),
            "actual": "contrasena-segura",
            "nueva": "otra-contrasena-larga",
            "confirmar": "otra-contrasena-larga",
        },
    )
    assert "Contraseña cambiada" in r.text
    actual = cliente.cookies.get("turnos_sesion")
    assert _repetir(cliente, actual)  # la sesión desde la que se cambió sigue
    assert not _repetir(cliente, otra)
    with alm.lectura() as c:
        vigentes = c.execute(
            text("SELECT count(*) FROM sesion WHERE usuario_id = :u AND revocada_ms IS NULL"),
            {"u": centro.staff[0].id},
        ).scalar_one()
    assert vigentes == 1

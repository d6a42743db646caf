"""/admin no pierde lo escrito, limita longitudes, asigna trámites con casillas, pide confirmar
lo destructivo y no sube al principio del kiosco un trámite nuevo sin orden."""

import re

from tests.e2e.test_paginas_personal import csrf, entrar


def _valor(html: str, nombre: str) -> str | None:
    m = re.search(rf'<input[^>]*name="{nombre}"[^>]*value="([^"]*)"', html)
    return m.group(1) if m else None


def test_un_error_conserva_lo_escrito(cliente, centro):
    entrar(cliente, "jefe-prueba")
    t = csrf(cliente.get("/admin/prueba/tramites").text)
    datos = {
        "csrf": t,
        "clave": "LIC2",
        "nombre": "Licencia de motociclista",
        "prefijo": "O",  # prohibido: se lee 0
        "costo": "$ 650",
        "requisitos": "INE\nComprobante de domicilio",
        "espera_maxima_min": "25",
    }
    r = cliente.post("/admin/prueba/tramites", data=datos)
    assert r.status_code == 400 and "aviso-error" in r.text and "prefijo" in r.text
    assert _valor(r.text, "nombre") == "Licencia de motociclista"
    assert _valor(r.text, "costo") == "$ 650" and _valor(r.text, "espera_maxima_min") == "25"
    assert "INE\nComprobante de domicilio</textarea>" in r.text
    # Nueva cuenta con contraseña corta: el usuario y el nombre siguen, la contraseña no.
    r = cliente.post(
        "/admin/prueba/usuarios",
        data={
            "csrf": t,
            "nuevo_usuario": "maria",
            "nombre": "María López",
            "rol": "ventanilla",
            "password": "corta",
        },
    )
    assert r.status_code == 400 and "aviso-error" in r.text
    assert _valor(r.text, "nuevo_usuario") == "maria" and _valor(r.text, "nombre") == "María López"
    assert "corta" not in r.text
    # Ventanilla nueva repetida: el nombre y los trámites marcados siguen.
    r = cliente.post(
        "/admin/prueba/ventanillas",
        data={"csrf": t, "numero": "1", "nombre": "Caja repetida", "nueva": "1", "tramites": ["B"]},
    )
    assert r.status_code == 409 and "Ya existe la ventanilla 1" in r.text
    assert 'value="Caja repetida"' in r.text
    nueva = r.text[r.text.index("Nueva ventanilla") :]
    assert re.search(
        r'<input[^>]*type="checkbox"[^>]*name="tramites"[^>]*value="B"[^>]*checked', nueva
    )
    assert not re.search(r'name="tramites"[^>]*value="A"[^>]*checked', nueva)


def test_longitudes_maximas_en_el_catalogo(cliente, centro):
    entrar(cliente, "jefe-prueba")
    t = csrf(cliente.get("/admin/prueba/tramites").text)
    r = cliente.post(
        "/admin/prueba/tramites",
        data={"csrf": t, "clave": "LARGO", "nombre": "x" * 10_000, "prefijo": "L"},
    )
    assert r.status_code == 400 and "Nombre" in r.text and "120 caracteres" in r.text
    pagina = cliente.get("/admin/prueba/tramites").text
    assert re.search(r'name="nombre"[^>]*maxlength="120"', pagina)
    assert "LARGO" not in pagina
    r = cliente.post(
        "/admin/prueba/ventanillas",
        data={"csrf": t, "numero": "7", "nombre": "v" * 500, "nueva": "1"},
    )
    assert r.status_code == 400 and "100 caracteres" in r.text
    r = cliente.post(
        "/admin/prueba/centro",
        data={"csrf": t, "nombre": "c" * 1000, "tolerancia_min": "0"},
    )
    assert r.status_code == 400 and "200 caracteres" in r.text


def test_tramites_de_ventanilla_con_casillas(cliente, centro):
    entrar(cliente, "jefe-prueba")
    pagina = cliente.get("/admin/prueba/ventanillas").text
    assert "<select" not in pagina.split("Trámites que atiende")[1].split("</fieldset>")[0]
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="tramites"[^>]*value="A"', pagina)
    t = csrf(pagina)
    r = cliente.post(
        "/admin/prueba/ventanillas",
        data={
            "csrf": t,
            "numero": "2",
            "nombre": "Ventanilla 2",
            "tramites": ["B"],
            "activo": "on",
        },
    )
    assert r.status_code == 200 and "Ventanilla 2 guardada" in r.text
    tarjeta = r.text[r.text.index("<h2>Ventanilla 2</h2>") :]
    tarjeta = tarjeta[: tarjeta.index("</form>")]
    assert re.search(r'value="B"[^>]*checked', tarjeta)
    assert not re.search(r'value="A"[^>]*checked', tarjeta)


def test_acciones_destructivas_piden_confirmacion(cliente, centro):
    entrar(cliente, "jefe-prueba")
    usuarios = cliente.get("/admin/prueba/usuarios").text
    assert re.search(
        r'<form[^>]*data-confirmar="[^"]+"[^>]*>\s*<input[^>]*name="csrf"[^>]*>'
        r'\s*<input[^>]*name="desactivar"',
        usuarios,
    )
    assert "/static/admin.js" in usuarios
    assert cliente.get("/static/admin.js").status_code == 200


def test_un_tramite_nuevo_sin_orden_va_al_final_del_kiosco(cliente, centro):
    entrar(cliente, "jefe-prueba")
    t = csrf(cliente.get("/admin/prueba/tramites").text)
    r = cliente.post(
        "/admin/prueba/tramites",
        data={
            "csrf": t,
            "clave": "AAA",
            "nombre": "Aaa primero por nombre",
            "prefijo": "N",
            "activo": "on",
        },
    )
    assert r.status_code == 200
    k = {"Authorization": f"Bearer {centro.kiosco_token}"}
    claves = [x["clave"] for x in cliente.get("/api/v1/centros/prueba/tramites", headers=k).json()]
    assert claves[-1] == "AAA", claves
    # Editarlo sin orden no lo mueve.
    cliente.post(
        "/admin/prueba/tramites",
        data={"csrf": t, "clave": "AAA", "nombre": "Aaa editado", "prefijo": "N", "activo": "on"},
    )
    claves = [x["clave"] for x in cliente.get("/api/v1/centros/prueba/tramites", headers=k).json()]
    assert claves[-1] == "AAA", claves

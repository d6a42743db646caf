"""/ventanilla y /admin con sesión de navegador (cookie firmada + CSRF), por ASGI."""

import re

from tests.e2e.conftest import bearer


def csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def entrar(cliente, usuario, password="contrasena-segura"):
    pagina = cliente.get("/login")
    r = cliente.post(
        "/login?siguiente=/ventanilla",
        data={"csrf": csrf(pagina.text), "usuario": usuario, "password": password},
        follow_redirects=False,
    )
    return r


def accion(cliente, numero, que, **extra):
    pagina = cliente.get("/ventanilla")
    return cliente.post(
        "/ventanilla", data={"csrf": csrf(pagina.text), "numero": numero, "accion": que, **extra}
    )


def test_login_incorrecto_y_csrf(cliente, centro):
    assert (
        cliente.get("/ventanilla", follow_redirects=False).headers["location"].startswith("/login")
    )
    r = entrar(cliente, "v1-prueba", "otra-contrasena")
    assert r.status_code == 401 and "incorrectos" in r.text
    r = cliente.post(
        "/login", data={"csrf": "falso", "usuario": "v1-prueba", "password": "contrasena-segura"}
    )
    assert r.status_code == 403
    assert entrar(cliente, "v1-prueba").status_code == 303
    cookie = cliente.cookies.get("turnos_sesion")
    assert cookie
    r = cliente.get("/ventanilla")
    assert "elija su ventanilla" in r.text


def test_flujo_en_la_pagina_ventanilla(cliente, centro):
    cliente.post(
        "/api/v1/centros/prueba/turnos", json={"tramite": "B"}, headers=bearer(centro.kiosco_token)
    )
    entrar(cliente, "v1-prueba")
    r = accion(cliente, 1, "abrir")
    assert "Ventanilla abierta" in r.text and "Llamar siguiente" in r.text
    assert 'class="folio">B-001' not in r.text and 'data-folio="B-001"' in r.text  # en espera
    r = accion(cliente, 1, "llamar")
    assert "Turno B-001 llamado" in r.text and 'class="folio">B-001' in r.text
    r = accion(cliente, 1, "registrar", nombre="Juana Díaz", contacto="juana@example.com")
    assert "Datos registrados" in r.text
    r = accion(cliente, 1, "iniciar")
    assert "en atención" in r.text
    r = accion(cliente, 1, "finalizar")
    assert "Turno B-001 finalizado" in r.text and "Sin turno en atención" in r.text
    r = accion(cliente, 1, "llamar")
    assert "Nadie espera" in r.text
    r = accion(cliente, 1, "pausar", motivo="Comida")
    assert "en pausa" in r.text
    # la API con cookie exige el encabezado CSRF
    r = cliente.post("/api/v1/centros/prueba/ventanillas/1/abrir")
    assert r.status_code == 403 and r.json()["error"] == "csrf"
    token = csrf(cliente.get("/ventanilla").text)
    r = cliente.post("/api/v1/centros/prueba/ventanillas/1/abrir", headers={"X-CSRF-Token": token})
    assert r.status_code == 200


def test_rol_ventanilla_no_entra_a_admin(cliente, centro):
    entrar(cliente, "v1-prueba")
    r = cliente.get("/admin/prueba/tramites")
    assert r.status_code == 403 and "jefatura" in r.text


def test_admin_tramites_ventanillas_y_dispositivos(cliente, centro):
    entrar(cliente, "jefe-prueba")
    r = cliente.get("/admin", follow_redirects=True)
    assert "Trámite A" in r.text
    t = csrf(r.text)
    r = cliente.post(
        "/admin/prueba/tramites",
        data={
            "csrf": t,
            "clave": "NUE",
            "nombre": "Nuevo trámite",
            "prefijo": "N",
            "espera_maxima_min": "20",
            "activo": "on",
        },
    )
    assert "Trámite NUE guardado" in r.text
    r = cliente.post(
        "/admin/prueba/tramites", data={"csrf": t, "clave": "X", "nombre": "Malo", "prefijo": "123"}
    )
    assert "prefijo" in r.text and "aviso-error" in r.text
    r = cliente.post(
        "/admin/prueba/ventanillas",
        data={
            "csrf": t,
            "numero": "5",
            "nombre": "Caja 5",
            "tramites": ["A", "NUE"],
            "activo": "on",
        },
    )
    assert "Ventanilla 5 guardada" in r.text
    r = cliente.post(
        "/admin/prueba/dispositivos", data={"csrf": t, "tipo": "kiosco", "nombre": "kiosco-2"}
    )
    nuevo = re.search(r'class="token-nuevo">([^<]+)<', r.text).group(1)
    r = cliente.post(
        "/api/v1/centros/prueba/turnos", json={"tramite": "NUE"}, headers=bearer(nuevo)
    )
    assert r.status_code == 201 and r.json()["folio"] == "N-001"
    r = cliente.get("/admin/prueba/centro")
    r = cliente.post(
        "/admin/prueba/centro",
        data={
            "csrf": t,
            "nombre": "Centro renombrado",
            "lun_abre": "08:00",
            "lun_cierra": "15:00",
            "tolerancia_min": "10",
            "ventaja_preferente_s": "15",
            "ventaja_cita_s": "30",
            "tolerancia_cita_s": "10",
        },
    )
    assert "Datos del centro guardados" in r.text and "Centro renombrado" in r.text
    # un jefe no crea administradores
    r = cliente.post(
        "/admin/prueba/usuarios",
        data={
            "csrf": t,
            "nuevo_usuario": "otro-admin",
            "rol": "admin",
            "password": "contrasena-larga",
        },
    )
    assert "Solo administración" in r.text


def test_admin_rechaza_con_mensaje_y_sin_500(cliente, centro):
    entrar(cliente, "jefe-prueba")
    t = csrf(cliente.get("/admin/prueba/centro").text)
    r = cliente.post(
        "/admin/prueba/centro", data={"csrf": t, "nombre": "X", "ventaja_preferente_s": "1.5"}
    )
    assert (
        r.status_code == 400
        and "Ventaja de atención preferente" in r.text
        and "número entero" in r.text
    )
    # el formulario de alta no pisa una ventanilla existente
    r = cliente.post(
        "/admin/prueba/ventanillas", data={"csrf": t, "numero": "1", "nueva": "1", "activo": "on"}
    )
    assert "Ya existe la ventanilla 1" in r.text
    assert (
        "A"
        in cliente.get("/api/v1/centros/prueba/cola", headers=bearer(centro.jefe_token)).json()[
            "ventanillas"
        ][0]["tramites"]
    )
    # dos trámites activos no comparten la letra del folio
    r = cliente.post(
        "/admin/prueba/tramites",
        data={"csrf": t, "clave": "OTRO", "nombre": "Otro", "prefijo": "A", "activo": "on"},
    )
    assert "El prefijo A ya lo usa" in r.text
    assert cliente.get("/favicon.ico", follow_redirects=False).status_code == 301


def test_entrada_enorme_no_se_devuelve(cliente, centro):
    r = cliente.post(
        "/api/v1/centros/prueba/turnos",
        json={"tramite": "X" * 200_000},
        headers=bearer(centro.kiosco_token),
    )
    assert r.status_code in (400, 413) and len(r.text) < 300  # 413: pasa del límite de cuerpo

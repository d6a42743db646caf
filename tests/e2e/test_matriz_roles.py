"""Matriz de permisos generada de la tabla de rutas de la app: cada ruta × cada rol o tipo de
dispositivo × centro propio/ajeno, comparada con la tabla declarada aquí. Una ruta nueva sin
declaración hace fallar la prueba (hay que decidir quién puede usarla)."""

import re
from concurrent.futures import CancelledError

import httpx
import pytest
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import AHORA, sembrar_centro
from tests.e2e.test_paginas_personal import csrf, entrar
from turnos.servicios import cuentas
from turnos.settings import Settings
from turnos.web.app import crear_app

USUARIOS = ("ventanilla", "jefe", "admin", "auditor")
DISPOSITIVOS = ("kiosco", "pantalla", "tableta")
ACTORES = (*USUARIOS, *DISPOSITIVOS, "anonimo")
TODOS = frozenset(ACTORES)
# (quién puede en su propio centro, quién puede en un centro ajeno). El admin es estatal; el
# auditor de esta prueba es de un centro. Rutas sin {centro}: se usa solo la primera columna.
PUBLICA = (TODOS, TODOS)
PERSONAL_OPERA = frozenset({"ventanilla", "jefe", "admin"})
SOLO_ADMIN = frozenset({"admin"})

DECLARADAS = {
    "GET /": PUBLICA,
    "GET /favicon.ico": PUBLICA,
    "GET /login": PUBLICA,
    "GET /salud": PUBLICA,
    "GET /metrics": PUBLICA,  # con TURNOS_METRICAS_TOKEN exige su Bearer (test_prometheus)
    "GET /api/v1/openapi.json": PUBLICA,
    "GET /api/v1/centros/{centro}": PUBLICA,
    "GET /api/v1/centros/{centro}/tramites": PUBLICA,
    "GET /api/v1/turnos/{token}": PUBLICA,
    "POST /api/v1/turnos/{token}/cancelar": PUBLICA,
    "GET /api/v1/seguimiento/{token}": PUBLICA,
    "GET /t/{token}": PUBLICA,
    "WS /ws/t/{token}": PUBLICA,
    "GET /datos-abiertos/{centro}": PUBLICA,
    "GET /datos-abiertos/{centro}.{extension}": PUBLICA,
    "GET /tablero": (frozenset(USUARIOS), frozenset(USUARIOS)),  # redirige a su tablero
    "GET /cuenta": (frozenset(USUARIOS), frozenset(USUARIOS)),  # cambiar la propia contraseña
    "POST /cuenta": (frozenset(USUARIOS), frozenset(USUARIOS)),
    "GET /ventanilla": (PERSONAL_OPERA, PERSONAL_OPERA),
    "POST /ventanilla": (PERSONAL_OPERA, PERSONAL_OPERA),  # siempre sobre su propio centro
    "GET /ventanilla/cola": (PERSONAL_OPERA, PERSONAL_OPERA),  # la lista de espera (fragmento)
    "GET /admin": (frozenset({"jefe", "admin"}), frozenset({"jefe", "admin"})),
    "GET /admin/{centro}/{seccion}": (frozenset({"jefe", "admin"}), SOLO_ADMIN),
    "POST /admin/{centro}/{seccion}": (frozenset({"jefe", "admin"}), SOLO_ADMIN),
    "POST /api/v1/centros/{centro}/turnos": (PERSONAL_OPERA | {"kiosco"}, SOLO_ADMIN),
    "POST /api/v1/kiosco/{centro}/turnos": (PERSONAL_OPERA | {"kiosco"}, SOLO_ADMIN),
    "GET /kiosco/{centro}": (PERSONAL_OPERA | {"kiosco"}, SOLO_ADMIN),
    "GET /api/v1/centros/{centro}/cola": (
        PERSONAL_OPERA | {"auditor", "kiosco", "pantalla"},
        frozenset({"admin"}),
    ),
    "POST /api/v1/centros/{centro}/ventanillas/{numero}/{accion}": (PERSONAL_OPERA, SOLO_ADMIN),
    "POST /api/v1/centros/{centro}/cierre": (frozenset({"jefe", "admin"}), SOLO_ADMIN),
    "GET /api/v1/centros/{centro}/auditoria": (frozenset({"admin", "auditor"}), SOLO_ADMIN),
    "POST /api/v1/centros/{centro}/turnos/{folio}/reimprimir": (PERSONAL_OPERA, SOLO_ADMIN),
    "POST /kiosco/{centro}/reimprimir": (PERSONAL_OPERA, SOLO_ADMIN),
    "GET /api/v1/centros/{centro}/impresiones": (
        PERSONAL_OPERA | {"auditor"},
        SOLO_ADMIN,
    ),
    "GET /pantalla/{centro}": (frozenset({"jefe", "admin", "pantalla"}), SOLO_ADMIN),
    "WS /ws/pantalla/{centro}": (
        PERSONAL_OPERA | {"auditor", "kiosco", "pantalla"},
        SOLO_ADMIN,
    ),
    "GET /tablero/{centro}": (frozenset({"jefe", "admin", "auditor"}), SOLO_ADMIN),
    "GET /tablero/{centro}/reportes": (frozenset({"jefe", "admin", "auditor"}), SOLO_ADMIN),
    "GET /tablero/{centro}/dotacion": (frozenset({"jefe", "admin", "auditor"}), SOLO_ADMIN),
    "GET /api/v1/centros/{centro}/dotacion": (frozenset({"jefe", "admin", "auditor"}), SOLO_ADMIN),
    "WS /ws/tablero/{centro}": (frozenset({"jefe", "admin", "auditor"}), SOLO_ADMIN),
    "WS /ws/agente": (frozenset({"kiosco"}), frozenset({"kiosco"})),
    # Citas: reservar y administrar la propia cita es público (el token es la credencial).
    "GET /api/v1/centros/{centro}/citas/disponibilidad": PUBLICA,
    "POST /api/v1/centros/{centro}/citas": PUBLICA,
    "GET /api/v1/citas/{token}": PUBLICA,
    "POST /api/v1/citas/{token}/cancelar": PUBLICA,
    "POST /api/v1/citas/{token}/reprogramar": PUBLICA,
    "GET /api/v1/citas/{token}/ics": PUBLICA,
    "GET /citas": PUBLICA,
    "POST /citas": PUBLICA,
    "GET /citas/aviso-de-privacidad": PUBLICA,
    "GET /citas/{token}": PUBLICA,
    "POST /citas/{token}/cancelar": PUBLICA,
    "POST /citas/{token}/reprogramar": PUBLICA,
    "POST /api/v1/kiosco/{centro}/citas": (PERSONAL_OPERA | {"kiosco"}, SOLO_ADMIN),
    "GET /admin/correos-citas": (frozenset({"jefe", "admin"}), frozenset({"jefe", "admin"})),
    "GET /admin/agenda-citas": (frozenset({"jefe", "admin"}), frozenset({"jefe", "admin"})),
    "POST /admin/agenda-citas": (frozenset({"jefe", "admin"}), frozenset({"jefe", "admin"})),
    # Encuestas: responder es público (la clave de un solo uso es la credencial); la tableta
    # de la ventanilla usa su token de dispositivo.
    "POST /api/v1/encuestas/{clave}": PUBLICA,
    "GET /api/v1/encuestas/{clave}": PUBLICA,
    "GET /api/v1/centros/{centro}/encuestas/resumen": (
        frozenset({"jefe", "admin", "auditor"}),
        SOLO_ADMIN,
    ),
    "GET /encuesta/{centro}/{ventanilla}": (frozenset({"jefe", "admin", "tableta"}), SOLO_ADMIN),
    "WS /ws/encuesta/{centro}/{ventanilla}": (frozenset({"jefe", "admin", "tableta"}), SOLO_ADMIN),
    "GET /admin/encuestas": (frozenset({"jefe", "admin"}), frozenset({"jefe", "admin"})),
    "POST /admin/encuestas": (frozenset({"jefe", "admin"}), frozenset({"jefe", "admin"})),
    # Buzón: recibir y consultar por folio y clave es público (la clave es la credencial).
    "POST /api/v1/centros/{centro}/manifestaciones": PUBLICA,
    "GET /api/v1/manifestaciones/{folio}": PUBLICA,
    "GET /buzon/{centro}": PUBLICA,
    "POST /buzon/{centro}": PUBLICA,
    "GET /buzon/seguimiento": PUBLICA,
    "POST /buzon/seguimiento": PUBLICA,
    # La bandeja: el jefe (sin denuncias) y contraloría (solo denuncias; no está en USUARIOS:
    # test_buzon_api lo prueba); capturar, también ventanilla.
    "GET /buzon/bandeja": (frozenset(USUARIOS), frozenset(USUARIOS)),  # redirige a su bandeja
    "GET /buzon/{centro}/bandeja": (frozenset({"jefe", "admin"}), SOLO_ADMIN),
    "GET /buzon/{centro}/casos/{folio}": (frozenset({"jefe", "admin"}), SOLO_ADMIN),
    "POST /buzon/{centro}/casos/{folio}": (frozenset({"jefe", "admin"}), SOLO_ADMIN),
    "GET /buzon/{centro}/captura": (PERSONAL_OPERA, SOLO_ADMIN),
    "POST /buzon/{centro}/captura": (PERSONAL_OPERA, SOLO_ADMIN),
    # Open311: leer es público; crear exige la api_key de una aplicación (no un rol): nadie
    # entra con sesión ni token del personal (test_buzon_open311).
    "GET /open311/v2/services.json": PUBLICA,
    "GET /open311/v2/services/{codigo}.json": PUBLICA,
    "GET /open311/v2/requests.json": PUBLICA,
    "POST /open311/v2/requests.json": (frozenset(), frozenset()),
    "GET /open311/v2/requests/{folio}.json": PUBLICA,
    "GET /open311/v2/tokens/{token}.json": PUBLICA,
    "POST /admin/citas-cierres": (
        frozenset({"jefe", "admin"}),
        frozenset({"jefe", "admin"}),
    ),
    "GET /citas-personal/{centro}": (PERSONAL_OPERA, SOLO_ADMIN),
    "POST /citas-personal/{centro}": (PERSONAL_OPERA, SOLO_ADMIN),
}
# Rutas que esta matriz no puede recorrer, con la prueba que las cubre.
FUERA = {
    "POST /login": "autenticación, no autorización (test_paginas_personal)",
    "POST /logout": "cierra la sesión del cliente (test_paginas_personal)",
}
VALORES = {"numero": "50", "accion": "pausar", "seccion": "tramites", "extension": "json"}
VALORES["folio"] = "Z-999"
VALORES.update(ventanilla="1", clave="clave-inexistente")
VALORES["codigo"] = "queja"
CUERPOS = {
    "POST /api/v1/centros/{centro}/turnos": {"tramite": "ZZ"},
    "POST /api/v1/kiosco/{centro}/turnos": {"tramite": "ZZ"},
}


def rutas(app):
    """(«MÉTODO ruta», tiene_centro) de la tabla de rutas de la app (sin estáticos)."""
    for r in app.routes:
        if isinstance(r, Mount):
            continue
        ruta = re.sub(r"\{(\w+):\w+\}", r"{\1}", r.path)
        if isinstance(r, WebSocketRoute):
            yield f"WS {ruta}"
        elif isinstance(r, Route):
            for metodo in sorted(r.methods - {"HEAD"}):
                yield f"{metodo} {ruta}"


@pytest.fixture
def mundo(alm, centro, db_url):
    sembrar_centro(alm, "otro")
    cuentas.crear_usuario(alm, "admin-estatal", "contrasena-segura", "admin", None, "Admin")
    cuentas.crear_usuario(alm, "auditor-prueba", "contrasena-segura", "auditor", "prueba", "Aud")
    _, tableta = cuentas.crear_dispositivo(alm, "prueba", "tableta", "tableta-1", AHORA)
    app = crear_app(Settings(db=db_url, secreto="s"), reloj=lambda: AHORA)
    cuentas_ = {
        "ventanilla": "v1-prueba",
        "jefe": "jefe-prueba",
        "admin": "admin-estatal",
        "auditor": "auditor-prueba",
    }
    tokens = {"kiosco": centro.kiosco_token, "pantalla": centro.pantalla_token, "tableta": tableta}
    with TestClient(app, follow_redirects=False) as c:
        token_turno = c.post(
            "/api/v1/centros/prueba/turnos",
            json={"tramite": "A"},
            headers={"Authorization": f"Bearer {centro.kiosco_token}"},
        ).json()["token"]
        credenciales = {}  # actor → (cookies, cabeceras): un solo cliente (un solo lifespan)
        for actor in ACTORES:
            c.cookies.clear()
            if actor in cuentas_:
                assert entrar(c, cuentas_[actor]).status_code == 303
            c.get("/login")  # toda sesión (también la anónima) tiene su token CSRF
            cabeceras = {"Authorization": f"Bearer {tokens[actor]}"} if actor in tokens else {}
            credenciales[actor] = (httpx.Cookies(c.cookies), cabeceras)

        def como(actor):
            cookies, cabeceras = credenciales[actor]
            c.cookies = cookies
            c.headers.pop("Authorization", None)
            c.headers.update(cabeceras)
            return c

        yield app, como, token_turno


def permitido(cliente, clave, centro, token_turno) -> bool:
    metodo, plantilla = clave.split(" ", 1)
    valores = {**VALORES, "centro": centro, "token": token_turno}
    ruta = re.sub(r"\{(\w+)\}", lambda m: valores[m.group(1)], plantilla)
    if metodo == "WS":
        conexion = cliente.websocket_connect(ruta)
        try:
            ws = conexion.__enter__()
        except WebSocketDisconnect:
            return False  # cerrado antes de aceptar: sin permiso
        try:
            ws.close()
            conexion.__exit__(None, None, None)
        except (CancelledError, WebSocketDisconnect):
            pass  # aceptó; al cerrar, el cliente de prueba puede cancelar la tarea del servidor
        return True
    token_csrf = csrf(cliente.get("/login").text)
    if metodo == "GET":
        r = cliente.get(ruta, headers={"accept": "text/html"})
    elif plantilla.startswith(("/api/", "/salud")):
        r = cliente.post(ruta, json=CUERPOS.get(clave, {}), headers={"x-csrf-token": token_csrf})
    else:
        r = cliente.post(ruta, data={"csrf": token_csrf, "numero": "50", "accion": "pausar"})
    if r.status_code in (401, 403):
        return False
    return not (r.is_redirect and r.headers["location"].startswith("/login?"))


def test_cada_ruta_esta_declarada(mundo):
    app, _, _ = mundo
    sin_declarar = [c for c in rutas(app) if c not in DECLARADAS and c not in FUERA]
    assert not sin_declarar, f"Declare quién puede usar estas rutas: {sin_declarar}"
    sobrantes = set(DECLARADAS) - set(rutas(app))
    assert not sobrantes, f"Declaradas pero ya no existen: {sobrantes}"


def test_matriz_de_roles(mundo):
    app, como, token_turno = mundo
    diferencias = []
    for clave in rutas(app):
        if clave in FUERA:
            continue
        propio, ajeno = DECLARADAS[clave]
        centros = [("prueba", propio), ("otro", ajeno)] if "{centro}" in clave else [("-", propio)]
        for slug, esperados in centros:
            for actor in ACTORES:
                obtenido = permitido(como(actor), clave, slug, token_turno)
                if obtenido != (actor in esperados):
                    diferencias.append(f"{clave} [{slug}] {actor}: {'sí' if obtenido else 'no'}")
    assert not diferencias, "\n".join(diferencias)

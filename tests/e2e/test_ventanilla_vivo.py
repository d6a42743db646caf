"""/ventanilla, issue 15 (ítems 1, 5 y 6), por ASGI con la BD real: la lista de turnos en espera y
llamar desde ella, el intento de un solo uso (doble pulso), el cronómetro desde «iniciar», la
sesión vencida que no pierde la acción en silencio y el aterrizaje de cada rol."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from tests.e2e.test_paginas_personal import accion, csrf, entrar
from turnos.servicios import cuentas
from turnos.settings import Settings
from turnos.tiempo import a_ms
from turnos.web.app import crear_app
from turnos.web.ventanilla_vivo import MENSAJE_EXPIRO, siguiente_seguro


def emitir(cliente, centro, tramite, clase="general"):
    r = cliente.post(
        "/api/v1/centros/prueba/turnos",
        json={"tramite": tramite, "clase": clase},
        headers=bearer(centro.kiosco_token),
    )
    assert r.status_code == 201, r.text
    return r.json()["folio"]


def folios(html):
    return re.findall(r'<tr data-folio="([^"]+)"', html)


def test_la_lista_muestra_solo_los_tramites_de_la_ventanilla_en_orden(cliente, centro):
    emitir(cliente, centro, "A")
    emitir(cliente, centro, "C")  # lo atiende la ventanilla 99, no la 1
    emitir(cliente, centro, "B", "preferente")
    assert cliente.get("/ventanilla/cola").status_code == 401  # sin sesión, sin redirigir
    entrar(cliente, "v1-prueba")
    r = accion(cliente, 1, "abrir")
    # el orden de la política: la preferente lleva ventaja aunque llegó después
    assert folios(r.text) == ["B-001", "A-001"]
    fragmento = cliente.get("/ventanilla/cola")
    assert fragmento.status_code == 200 and "<html" not in fragmento.text
    assert folios(fragmento.text) == ["B-001", "A-001"]
    assert "Preferente" in fragmento.text and "Trámite A" in fragmento.text
    assert 'value="B-001">Llamar B-001' in fragmento.text
    assert "C-001" not in fragmento.text


def test_la_lista_no_muestra_nombres_de_personas(cliente, centro):
    emitir(cliente, centro, "A")
    emitir(cliente, centro, "A")
    entrar(cliente, "v1-prueba")
    accion(cliente, 1, "abrir")
    accion(cliente, 1, "llamar")
    accion(cliente, 1, "registrar", nombre="Juana Díaz", contacto="juana@example.com")
    accion(cliente, 1, "transferir", tramite="B")  # A-001 vuelve a esperar, ahora en B
    r = cliente.get("/ventanilla/cola")
    assert "A-001" in r.text and "Juana" not in r.text and "juana@" not in r.text


def test_llamar_desde_la_lista_exige_motivo_y_llama_ese_folio(cliente, centro):
    emitir(cliente, centro, "A")
    emitir(cliente, centro, "B")
    entrar(cliente, "v1-prueba")
    accion(cliente, 1, "abrir")
    r = accion(cliente, 1, "llamar", folio="B-001")
    assert "indique el motivo" in r.text and folios(r.text) == ["A-001", "B-001"]
    r = accion(cliente, 1, "llamar", folio="B-001", motivo="Tiene cita a esta hora")
    assert "Turno B-001 llamado" in r.text and 'class="folio">B-001' in r.text
    assert folios(r.text) == ["A-001"]
    assert 'name="folio" value="A-001"' not in r.text  # con turno en curso no se llama otro


def test_el_mismo_intento_dos_veces_se_hace_una_sola_vez(cliente, centro):
    emitir(cliente, centro, "A")
    emitir(cliente, centro, "A")
    entrar(cliente, "v1-prueba")
    accion(cliente, 1, "abrir")
    pagina = cliente.get("/ventanilla").text
    intento = re.search(
        r'name="accion" value="llamar">\s*<input type="hidden" name="intento" value="([^"]+)"',
        pagina,
    ).group(1)
    datos = {"csrf": csrf(pagina), "numero": 1, "accion": "llamar", "intento": intento}
    primero = cliente.post("/ventanilla", data=datos)
    segundo = cliente.post("/ventanilla", data=datos)  # el doble pulso, sin JS
    assert "Turno A-001 llamado" in primero.text
    assert "ya se había enviado" in segundo.text and "aviso-error" not in segundo.text
    assert 'class="folio">A-001' in segundo.text and folios(segundo.text) == ["A-002"]
    # otro intento sí es otra acción (aquí, rechazada con su mensaje de siempre)
    r = cliente.post("/ventanilla", data={**datos, "intento": "otro-intento-123"})
    assert "ya tiene el turno A-001" in r.text
    r = cliente.post("/ventanilla", data={**datos, "intento": "mal intento!"})
    assert "no es válido" in r.text


def test_el_cronometro_cuenta_la_atencion_desde_iniciar(alm, centro, db_url):
    ahora = [AHORA]
    app = crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: ahora[0])
    with TestClient(app) as c:
        emitir(c, centro, "A")
        entrar(c, "v1-prueba")
        accion(c, 1, "abrir")
        accion(c, 1, "llamar")
        r = c.get("/ventanilla")
        assert f'data-desde="{a_ms(AHORA)}" data-fase="llamado"' in r.text
        assert "Desde el llamado:" in r.text and "Tiempo de atención" not in r.text
        ahora[0] = AHORA + timedelta(minutes=3)
        r = accion(c, 1, "iniciar")
        inicio = a_ms(AHORA + timedelta(minutes=3))
        assert f'data-desde="{inicio}" data-fase="atencion"' in r.text
        assert "Tiempo de atención:" in r.text and "Desde el llamado" not in r.text


def test_la_accion_con_la_sesion_vencida_lo_dice_y_vuelve_a_su_ventanilla(app, cliente, centro):
    emitir(cliente, centro, "A")
    entrar(cliente, "v1-prueba")
    accion(cliente, 1, "abrir")
    token = csrf(cliente.get("/ventanilla").text)
    with app.state.alm.transaccion() as tx:
        tx.ejecutar(text("DELETE FROM sesion"))
    app.state.actores.olvidar()  # como si pasara el plazo de la caché de actores
    r = cliente.post(
        "/ventanilla",
        data={"csrf": token, "numero": 1, "accion": "llamar"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/login?siguiente=/ventanilla%3Fnumero%3D1&aviso=expiro"
    login = cliente.get(r.headers["location"])
    assert MENSAJE_EXPIRO in login.text and 'role="alert"' in login.text
    assert 'action="/login?siguiente=/ventanilla%3Fnumero%3D1"' in login.text
    with app.state.alm.lectura() as conn:  # la acción no se hizo
        assert conn.execute(text("SELECT estado FROM turno")).scalar() == "en_espera"
    r = cliente.post(
        "/login?siguiente=/ventanilla%3Fnumero%3D1",
        data={"csrf": csrf(login.text), "usuario": "v1-prueba", "password": "contrasena-segura"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/ventanilla?numero=1"
    r = cliente.get(r.headers["location"])
    assert 'id="t-ventanilla">Ventanilla 1<' in r.text and "Llamar siguiente" in r.text
    assert "Llamar siguiente" in cliente.get("/ventanilla").text  # queda en la sesión


def test_numero_de_una_ventanilla_ajena_no_la_toma(cliente, centro):
    entrar(cliente, "v2-prueba")
    accion(cliente, 2, "abrir")
    cliente.cookies.clear()
    entrar(cliente, "v1-prueba")
    r = cliente.get("/ventanilla?numero=2")
    assert "elija su ventanilla" in r.text


@pytest.mark.parametrize(
    "malo", ["//evil.example", "https://evil.example/x", "/\\evil.example", "ventanilla", ""]
)
def test_el_login_no_redirige_fuera_del_sitio(cliente, centro, malo):
    pagina = cliente.get("/login")
    r = cliente.post(
        "/login",
        params={"siguiente": malo},
        data={"csrf": csrf(pagina.text), "usuario": "v1-prueba", "password": "contrasena-segura"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/ventanilla"


def test_siguiente_seguro_solo_rutas_locales():
    assert siguiente_seguro("/ventanilla?numero=2") == "/ventanilla?numero=2"
    assert siguiente_seguro("/tablero/prueba/dotacion") == "/tablero/prueba/dotacion"
    for malo in ("//x.example", "/\\x.example", "/a\r\nb", "http://x", None, "", "/" + "a" * 600):
        assert siguiente_seguro(malo) is None


@pytest.mark.parametrize(
    ("usuario", "destino"),
    [
        ("v1-prueba", "/ventanilla"),
        ("jefe-prueba", "/tablero/prueba"),
        ("admin-estatal", "/admin"),
        ("auditor-prueba", "/tablero/prueba"),
        ("contraloria-x", "/buzon/bandeja"),
    ],
)
def test_cada_rol_aterriza_en_su_pagina(alm, cliente, centro, usuario, destino):
    cuentas.crear_usuario(alm, "admin-estatal", "contrasena-segura", "admin", None, "Admin")
    cuentas.crear_usuario(alm, "auditor-prueba", "contrasena-segura", "auditor", "prueba", "Au")
    cuentas.crear_usuario(alm, "contraloria-x", "contrasena-segura", "contraloria", "prueba", "OIC")
    pagina = cliente.get("/login")
    assert 'action="/login"' in pagina.text  # sin ruta pedida, el formulario no inventa una
    r = cliente.post(
        "/login",
        data={"csrf": csrf(pagina.text), "usuario": usuario, "password": "contrasena-segura"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == destino
    assert cliente.get(destino).status_code == 200

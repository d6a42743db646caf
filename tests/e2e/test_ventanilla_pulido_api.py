"""Issue 15 por la app real: la API de acciones acepta los parámetros nuevos (transferir a
ventanilla/persona con posición, finalizar con resultado, reincorporar) con errores JSON 4xx
claros, y /admin configura las salvaguardas del centro y las marcas de cada trámite."""

from sqlalchemy import text

from tests.e2e.conftest import bearer
from tests.e2e.test_paginas_personal import csrf, entrar

VENT = "/api/v1/centros/prueba/ventanillas"


def _emitir(cliente, centro, tramite="A"):
    r = cliente.post(
        "/api/v1/centros/prueba/turnos",
        json={"tramite": tramite},
        headers=bearer(centro.kiosco_token),
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_acciones_nuevas_por_la_api(cliente, centro, alm):
    v1, v2 = bearer(centro.staff_tokens[0]), bearer(centro.staff_tokens[1])
    t = _emitir(cliente, centro)
    for v, n in ((v1, 1), (v2, 2)):
        assert cliente.post(f"{VENT}/{n}/abrir", headers=v).status_code == 200
    r = cliente.post(f"{VENT}/1/reincorporar", headers=v1)
    assert r.status_code == 404 and r.json()["error"] == "sin_ausente"
    assert cliente.post(f"{VENT}/1/llamar", headers=v1).json()["folio"] == t["folio"]
    r = cliente.post(f"{VENT}/1/ausente", headers=v1)  # mismo instante que el llamado
    assert r.status_code == 409 and r.json()["error"] == "ausente_prematuro"
    for cuerpo, mensaje in (
        ({"ventanilla": "dos", "motivo": "x"}, "número entero"),
        ({"ventanilla": 2, "posicion": "enmedio", "motivo": "x"}, "primero"),
        ({"ventanilla": 2}, "motivo"),
        ({"ventanilla": 2, "usuario": "v2-prueba", "motivo": "x"}, "no a ambas"),
        ({"usuario": "nadie", "motivo": "x"}, "persona del personal"),
    ):
        r = cliente.post(f"{VENT}/1/transferir", json=cuerpo, headers=v1)
        assert 400 <= r.status_code < 500 and mensaje in r.json()["mensaje"], (cuerpo, r.text)
    r = cliente.post(
        f"{VENT}/1/transferir",
        json={"usuario": "v2-prueba", "posicion": "primero", "motivo": "caso especial"},
        headers=v1,
    )
    assert r.status_code == 200 and r.json()["estado"] == "transferido"
    # El contrato de antes sigue: transferir solo con trámite.
    assert cliente.post(f"{VENT}/2/llamar", headers=v2).json()["folio"] == t["folio"]
    r = cliente.post(f"{VENT}/2/transferir", json={"tramite": "b"}, headers=v2)
    assert r.status_code == 200
    assert cliente.post(f"{VENT}/1/llamar", headers=v1).json()["tramite"] == "B"
    r = cliente.post(f"{VENT}/1/finalizar", json={"resultado": "resuelto"}, headers=v1)
    assert r.status_code == 400 and "no tiene marcas" in r.json()["mensaje"]
    assert cliente.post(f"{VENT}/1/finalizar", headers=v1).status_code == 200
    doc = cliente.get("/api/v1/openapi.json").json()
    props = doc["components"]["schemas"]["AccionVentanilla"]["properties"]
    assert {"ventanilla", "usuario", "posicion", "resultado"} <= set(props)
    publico = cliente.get(f"/api/v1/turnos/{t['token']}").json()
    assert publico["ausencia"] is None


def test_admin_configura_salvaguardas_y_marcas(cliente, centro, alm):
    entrar(cliente, "jefe-prueba")
    pagina = cliente.get("/admin/prueba/centro").text
    assert 'name="ausente_tras_s"' in pagina and 'value="120"' in pagina
    r = cliente.post(
        "/admin/prueba/centro",
        data={
            "csrf": csrf(pagina),
            "nombre": "Centro de prueba",
            "ausente_tras_s": "45",
            "reincorporar_s": "600",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    t = csrf(cliente.get("/admin/prueba/tramites").text)
    base = {"csrf": t, "clave": "A", "nombre": "Trámite A", "prefijo": "A", "activo": "on"}
    r = cliente.post("/admin/prueba/tramites", data={**base, "marcas": "+ Resuelto\nResuelto"})
    assert r.status_code == 400 and "repetidas" in r.text
    r = cliente.post(
        "/admin/prueba/tramites",
        data={**base, "marcas": "+ Resuelto\nFalta documento"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert (
        "+ Resuelto\nFalta documento</textarea>"
        in cliente.get("/admin/prueba/tramites?editar=A").text
    )
    with alm.lectura() as c:
        f = c.execute(
            text("SELECT ausente_tras_s, reincorporar_s FROM centro WHERE slug = 'prueba'")
        ).one()
        marcas = c.execute(text("SELECT marcas FROM tramite WHERE clave = 'A'")).scalar()
    assert (f.ausente_tras_s, f.reincorporar_s) == (45, 600)
    assert '"clave": "falta-documento"' in marcas and '"resuelve": true' in marcas

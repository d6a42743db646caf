"""La API de punta a punta por ASGI (app real, BD real)."""

import re

import pytest

from tests.e2e.conftest import bearer
from turnos.web.api import RUTAS


def test_flujo_completo_por_api(cliente, centro):
    k, v1 = bearer(centro.kiosco_token), bearer(centro.staff_tokens[0])
    r = cliente.post(
        "/api/v1/centros/prueba/turnos", json={"tramite": "A", "clase": "preferente"}, headers=k
    )
    assert r.status_code == 201, r.text
    turno = r.json()
    assert (
        turno["folio"] == "A-001" and turno["personas_delante"] == 0 and len(turno["token"]) >= 20
    )
    cola = cliente.get("/api/v1/centros/prueba/cola", headers=k).json()
    assert cola["total_esperando"] == 1
    assert (
        cliente.post("/api/v1/centros/prueba/ventanillas/1/abrir", headers=v1).json()["estado"]
        == "abierta"
    )
    r = cliente.post("/api/v1/centros/prueba/ventanillas/1/llamar", headers=v1)
    assert r.status_code == 200 and r.json()["folio"] == "A-001"
    publico = cliente.get(f"/api/v1/turnos/{turno['token']}").json()
    assert publico["estado"] == "llamado" and publico["ventanilla"]["numero"] == 1
    for accion in ("rellamar", "iniciar", "finalizar"):
        assert (
            cliente.post(f"/api/v1/centros/prueba/ventanillas/1/{accion}", headers=v1).status_code
            == 200
        )
    assert (
        cliente.post("/api/v1/centros/prueba/ventanillas/1/llamar", headers=v1).status_code == 204
    )
    assert (
        cliente.post(
            "/api/v1/centros/prueba/ventanillas/1/pausar", json={"motivo": "Comida"}, headers=v1
        ).json()["estado"]
        == "en_pausa"
    )
    assert cliente.get(f"/api/v1/turnos/{turno['token']}").json()["estado"] == "atendido"
    aud = cliente.get("/api/v1/centros/prueba/auditoria", headers=bearer(centro.jefe_token))
    assert aud.status_code == 403  # el jefe no audita; el auditor sí


def test_transferir_y_cancelar_por_api(cliente, centro):
    k, v1 = bearer(centro.kiosco_token), bearer(centro.staff_tokens[0])
    t = cliente.post("/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=k).json()
    cliente.post("/api/v1/centros/prueba/ventanillas/1/abrir", headers=v1)
    cliente.post("/api/v1/centros/prueba/ventanillas/1/llamar", headers=v1)
    r = cliente.post(
        "/api/v1/centros/prueba/ventanillas/1/transferir", json={"tramite": "c"}, headers=v1
    )
    assert r.status_code == 200 and r.json()["estado"] == "transferido"
    assert cliente.get(f"/api/v1/turnos/{t['token']}").json()["tramite"] == "C"
    r = cliente.post(f"/api/v1/turnos/{t['token']}/cancelar")
    assert r.status_code == 200 and r.json()["estado"] == "cancelado"
    r = cliente.post(f"/api/v1/turnos/{t['token']}/cancelar")
    assert r.status_code == 409 and r.json()["error"] == "transicion_invalida"


@pytest.mark.parametrize(
    ("metodo", "ruta", "cuerpo", "quien", "status", "codigo"),
    [
        (
            "post",
            "/api/v1/centros/prueba/turnos",
            {"tramite": "NOPE"},
            "kiosco",
            404,
            "tramite_no_encontrado",
        ),
        (
            "post",
            "/api/v1/centros/nada/turnos",
            {"tramite": "A"},
            "kiosco",
            404,
            "centro_no_encontrado",
        ),
        ("post", "/api/v1/centros/prueba/turnos", {}, "kiosco", 400, "campo_faltante"),
        (
            "post",
            "/api/v1/centros/prueba/turnos",
            {"tramite": 5},
            "kiosco",
            400,
            "entrada_invalida",
        ),
        (
            "post",
            "/api/v1/centros/prueba/turnos",
            {"tramite": "A", "clase": "vip"},
            "kiosco",
            400,
            "entrada_invalida",
        ),
        ("post", "/api/v1/centros/prueba/turnos", "[1]", "kiosco", 400, "json_invalido"),
        ("post", "/api/v1/centros/prueba/turnos", "{malo", "kiosco", 400, "json_invalido"),
        ("post", "/api/v1/centros/prueba/turnos", {"tramite": "A"}, None, 401, "no_autenticado"),
        (
            "post",
            "/api/v1/centros/prueba/turnos",
            {"tramite": "A"},
            "invalido",
            401,
            "no_autenticado",
        ),
        ("post", "/api/v1/centros/prueba/turnos", {"tramite": "A"}, "pantalla", 403, "prohibido"),
        ("post", "/api/v1/centros/prueba/ventanillas/1/llamar", None, "kiosco", 403, "prohibido"),
        (
            "post",
            "/api/v1/centros/prueba/ventanillas/77/abrir",
            None,
            "v1",
            404,
            "ventanilla_no_encontrada",
        ),
        (
            "post",
            "/api/v1/centros/prueba/ventanillas/1/bailar",
            None,
            "v1",
            404,
            "accion_desconocida",
        ),
        ("post", "/api/v1/centros/prueba/ventanillas/1/finalizar", None, "v1", 409, "conflicto"),
        ("post", "/api/v1/centros/prueba/ventanillas/1/llamar", None, "v1", 409, "conflicto"),
        ("get", "/api/v1/turnos/no-existe", None, None, 404, "turno_no_encontrado"),
        ("get", "/api/v1/no/existe", None, None, 404, "no_encontrado"),
        ("delete", "/api/v1/centros/prueba/turnos", None, "kiosco", 405, "metodo_no_permitido"),
        ("post", "/api/v1/centros/prueba/cierre", None, "v1", 403, "prohibido"),
    ],
)
def test_entrada_invalida_da_4xx_en_espanol(
    cliente, centro, metodo, ruta, cuerpo, quien, status, codigo
):
    tokens = {
        "kiosco": centro.kiosco_token,
        "v1": centro.staff_tokens[0],
        "pantalla": centro.pantalla_token,
        "invalido": "x" * 40,
    }
    headers = bearer(tokens[quien]) if quien else {}
    kwargs = (
        {"content": cuerpo}
        if isinstance(cuerpo, str)
        else {"json": cuerpo}
        if cuerpo is not None
        else {}
    )
    r = (
        getattr(cliente, metodo)(ruta, headers=headers, **kwargs)
        if metodo != "get"
        else cliente.get(ruta, headers=headers)
    )
    assert r.status_code == status, r.text
    assert r.json()["error"] == codigo
    assert r.json()["mensaje"] and r.headers["content-type"].startswith("application/json")


def test_salud(cliente):
    assert cliente.get("/salud").json() == {"estado": "ok"}


def test_openapi_describe_exactamente_las_rutas(cliente):
    doc = cliente.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    documentadas = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    rutas_api = [  # las de la app completa, extensiones incluidas
        r
        for r in cliente.app.routes
        if getattr(r, "methods", None) and r.path.startswith(("/api/", "/salud"))
    ]
    assert {r.path for r in RUTAS} <= {r.path for r in rutas_api}
    reales = {
        (m, re.sub(r"\{(\w+):\w+\}", r"{\1}", r.path))
        for r in rutas_api
        for m in r.methods
        if m != "HEAD"
    }
    assert documentadas == reales
    for p, ops in doc["paths"].items():
        for op in ops.values():
            for param in op.get("parameters", []):
                definicion = doc["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
                if definicion["in"] == "path":
                    assert "{" + definicion["name"] + "}" in p


def test_cabeceras_seguras(cliente, centro):
    r = cliente.get("/api/v1/turnos/x")
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-content-type-options"] == "nosniff"

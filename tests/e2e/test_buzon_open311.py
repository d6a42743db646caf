"""Open311 GeoReport v2 bajo /open311/v2/: conformidad de cada endpoint con la lista de campos
del estándar, api_key emitida con `turnos buzon-open311-clave` (proceso real), formato de error
del estándar, y denuncias fuera de toda lista pública. Lo creado por Open311 llega a la bandeja.
Con la misma CLI: el rol `contraloria` se crea con `turnos usuarios crear`."""

from __future__ import annotations

import re
from datetime import datetime

from starlette.testclient import TestClient

from buzon import reglas
from tests.buzon_apoyo import con_catalogo
from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from tests.e2e.test_cli import turnos
from turnos.settings import Settings
from turnos.web.app import crear_app

SERVICIO = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATRIBUTO = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
}
SOLICITUD = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
CREADA = {"service_request_id", "service_notice", "account_id"}
_ISO_CON_DESFASE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def _error_estandar(r, status):
    assert r.status_code == status
    cuerpo = r.json()
    assert isinstance(cuerpo, list) and set(cuerpo[0]) == {"code", "description"}
    assert cuerpo[0]["code"] == status


def test_conformidad_open311(alm, centro, db_url):
    con_catalogo(alm)
    # La api_key la emite la CLI en un proceso real (la última línea, sola).
    r = turnos("buzon-open311-clave", "--nombre", "App Ciudadana", db=db_url)
    assert r.returncode == 0, r.stderr
    api_key = r.stdout.strip().splitlines()[-1]
    app = crear_app(Settings(db=db_url, secreto="s"), reloj=lambda: AHORA)
    with TestClient(app) as cliente:
        # services.json
        r = cliente.get("/open311/v2/services.json", params={"jurisdiction_id": "prueba"})
        assert r.status_code == 200
        servicios = r.json()
        assert servicios and all(set(s) == SERVICIO for s in servicios)
        codigos = {s["service_code"]: s for s in servicios}
        assert {"queja", "queja.trato", "denuncia", "peticion.kiosco"} <= set(codigos)
        assert codigos["denuncia"]["type"] == "blackbox" and codigos["queja"]["type"] == "batch"
        assert all(s["type"] in ("realtime", "batch", "blackbox") for s in servicios)
        # services/{code}.json
        r = cliente.get(
            "/open311/v2/services/queja.trato.json", params={"jurisdiction_id": "prueba"}
        )
        assert r.status_code == 200 and r.json()["service_code"] == "queja.trato"
        assert all(set(a) == ATRIBUTO for a in r.json()["attributes"])
        assert r.json()["attributes"][0]["datatype"] in (
            "string",
            "number",
            "datetime",
            "text",
            "singlevaluelist",
            "multivaluelist",
        )
        _error_estandar(
            cliente.get("/open311/v2/services/nada.json", params={"jurisdiction_id": "prueba"}), 404
        )
        _error_estandar(
            cliente.get("/open311/v2/services.json", params={"jurisdiction_id": "nada"}), 404
        )
        # POST requests.json (campos de formulario del estándar)
        forma = {
            "api_key": api_key,
            "jurisdiction_id": "prueba",
            "service_code": "queja.kiosco",
            "description": "El kiosco no imprime",
            "email": "app@x.mx",
            "first_name": "Ana",
            "last_name": "López",
        }
        _error_estandar(
            cliente.post("/open311/v2/requests.json", data={**forma, "api_key": "falsa"}), 403
        )
        r = cliente.post("/open311/v2/requests.json", data=forma)
        assert r.status_code == 201, r.text
        creada = r.json()[0]
        assert set(creada) >= CREADA
        folio = creada["service_request_id"]
        assert reglas.normalizar_folio(folio) == folio
        r = cliente.post(
            "/open311/v2/requests.json",
            data={**forma, "service_code": "denuncia", "description": "Moches"},
        )
        denuncia = r.json()[0]["service_request_id"]
        _error_estandar(
            cliente.post("/open311/v2/requests.json", data={**forma, "service_code": "xyz"}), 404
        )
        # GET requests.json y requests/{id}.json
        r = cliente.get("/open311/v2/requests.json", params={"jurisdiction_id": "prueba"})
        lista = r.json()
        assert [s["service_request_id"] for s in lista] == [folio]  # sin la denuncia
        s = lista[0]
        assert set(s) == SOLICITUD and s["status"] == "open"
        assert s["agency_responsible"] == "Sistemas" and s["service_code"] == "queja.kiosco"
        assert s["description"] == "" and "Ana" not in str(s) and "app@x.mx" not in str(s)
        for campo in ("requested_datetime", "updated_datetime", "expected_datetime"):
            assert _ISO_CON_DESFASE.match(s[campo]), s[campo]
        vence = datetime.fromisoformat(s["expected_datetime"])
        assert (vence - datetime.fromisoformat(s["requested_datetime"])).days == 10
        r = cliente.get(f"/open311/v2/requests/{folio}.json")
        assert r.status_code == 200 and r.json() == [s]
        _error_estandar(cliente.get(f"/open311/v2/requests/{denuncia}.json"), 404)
        for filtro, esperado in (
            ({"status": "open"}, [folio]),
            ({"status": "closed"}, []),
            ({"service_code": "queja.kiosco"}, [folio]),
            ({"service_code": "denuncia"}, []),
            ({"service_request_id": f"{folio},{denuncia}"}, [folio]),
            ({"start_date": "2026-11-24T00:00:00-06:00"}, []),
        ):
            r = cliente.get(
                "/open311/v2/requests.json", params={"jurisdiction_id": "prueba", **filtro}
            )
            assert [x["service_request_id"] for x in r.json()] == esperado, filtro
        _error_estandar(
            cliente.get(
                "/open311/v2/requests.json", params={"jurisdiction_id": "prueba", "status": "x"}
            ),
            400,
        )
        # tokens/{token}.json: el token de la creación lleva a su service_request_id (el id es
        # definitivo al crear, así que el token es el mismo folio); una denuncia no existe.
        assert creada["token"] == folio
        r = cliente.get(f"/open311/v2/tokens/{creada['token']}.json")
        assert r.status_code == 200 and r.json() == [{"service_request_id": folio, "token": folio}]
        _error_estandar(cliente.get(f"/open311/v2/tokens/{denuncia}.json"), 404)
        _error_estandar(cliente.get("/open311/v2/tokens/NADA-2026-00001-X.json"), 404)
        # Lo creado por Open311 aparece en la bandeja del jefe, con canal open311.
        bandeja = cliente.get("/buzon/prueba/bandeja", headers=bearer(centro.jefe_token))
        assert folio in bandeja.text and "open311" in bandeja.text and denuncia not in bandeja.text


def test_rol_contraloria_por_la_cli(alm, centro, db_url):
    r = turnos(
        "usuarios",
        "crear",
        "oic",
        "--rol",
        "contraloria",
        "--centro",
        "prueba",
        "--nombre",
        "OIC",
        entrada="contrasena-segura\n",
        db=db_url,
    )
    assert r.returncode == 0, r.stderr
    r = turnos(
        "usuarios",
        "crear",
        "oic2",
        "--rol",
        "contraloria",
        "--nombre",
        "OIC",
        entrada="contrasena-segura\n",
        db=db_url,
    )
    assert r.returncode != 0  # acotada a un centro, como el jefe

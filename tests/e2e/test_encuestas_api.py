"""La encuesta por la app real (DESIGN.md §4): la clave en GET /api/v1/turnos/{token} y en
/t/{token}, POST /api/v1/encuestas/{clave} → 201, segunda → 409 encuesta_respondida,
desconocida → 404, límite de tasa 429, /metrics (promtool), resumen del tablero, reportes,
/admin/encuestas y OpenAPI."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from turnos.servicios import cuentas
from turnos.settings import Settings
from turnos.web.app import crear_app

DIA = timedelta(days=1)


def atender(cliente, centro, ventanilla=1, tramite="A"):
    """Un turno del kiosco atendido en la ventanilla: devuelve su token público."""
    r = cliente.post(
        "/api/v1/centros/prueba/turnos",
        json={"tramite": tramite},
        headers=bearer(centro.kiosco_token),
    )
    token = r.json()["token"]
    v = bearer(centro.staff_tokens[ventanilla - 1])
    for accion in ("abrir", "llamar", "iniciar", "finalizar"):
        r = cliente.post(f"/api/v1/centros/prueba/ventanillas/{ventanilla}/{accion}", headers=v)
        assert r.status_code == 200, r.text
    return token


def error(r, status, codigo):
    assert r.status_code == status, r.text
    assert r.json()["error"] == codigo and r.json()["mensaje"]


def test_clave_en_la_vista_respuesta_unica(alm, centro, cliente):
    k = bearer(centro.kiosco_token)
    espera = cliente.post("/api/v1/centros/prueba/turnos", json={"tramite": "B"}, headers=k)
    assert cliente.get(f"/api/v1/turnos/{espera.json()['token']}").json()["encuesta"] is None
    token = atender(cliente, centro)
    clave = cliente.get(f"/api/v1/turnos/{token}").json()["encuesta"]
    assert isinstance(clave, str) and len(clave) >= 20
    pagina = cliente.get(f"/t/{token}").text
    assert f'data-clave="{clave}"' in pagina and "/static/encuestas/telefono.js" in pagina
    assert cliente.get("/static/encuestas/encuesta.js").status_code == 200
    d = cliente.get(f"/api/v1/encuestas/{clave}").json()
    assert d["estado"] == "pendiente" and [c["texto"] for c in d["calificaciones"]] == [
        "Muy mal",
        "Mal",
        "Regular",
        "Bien",
        "Muy bien",
    ]
    assert d["contacto"] is True  # el buzón está instalado: se ofrece «quiero que me contacten»
    r = cliente.post(f"/api/v1/encuestas/{clave}", json={"calificacion": 4, "comentario": "Bien"})
    assert r.status_code == 201, r.text
    assert r.json() == {
        "estado": "respondida",
        "calificacion": 4,
        "canal": "telefono",
        "manifestacion": None,
    }
    assert r.headers["cache-control"] == "no-store"
    error(
        cliente.post(f"/api/v1/encuestas/{clave}", json={"calificacion": 5}),
        409,
        "encuesta_respondida",
    )
    error(
        cliente.post("/api/v1/encuestas/desconocida", json={"calificacion": 5}),
        404,
        "encuesta_no_encontrada",
    )
    error(cliente.get("/api/v1/encuestas/desconocida"), 404, "encuesta_no_encontrada")
    assert cliente.get(f"/api/v1/turnos/{token}").json()["encuesta"] is None
    assert cliente.get(f"/api/v1/encuestas/{clave}").json()["estado"] == "respondida"


def test_errores_de_entrada_y_contacto(alm, centro, cliente):
    token = atender(cliente, centro)
    clave = cliente.get(f"/api/v1/turnos/{token}").json()["encuesta"]
    url = f"/api/v1/encuestas/{clave}"
    error(
        cliente.post(url, content=b"{", headers={"content-type": "application/json"}),
        400,
        "json_invalido",
    )
    error(cliente.post(url, json={"calificacion": 9}), 400, "entrada_invalida")
    sin_aviso = {"calificacion": 1, "contacto": {"correo": "a@b.mx"}}
    error(cliente.post(url, json=sin_aviso), 400, "entrada_invalida")
    # Nada de eso la respondió: sigue abierta.
    assert cliente.get(url).json()["estado"] == "pendiente"
    assert cliente.post(url, json={"calificacion": 1}).status_code == 201


def test_canal_tableta_con_su_token(alm, centro, cliente):
    _, tableta = cuentas.crear_dispositivo(alm, "prueba", "tableta", "tableta-1", AHORA)
    token = atender(cliente, centro)
    clave = cliente.get(f"/api/v1/turnos/{token}").json()["encuesta"]
    r = cliente.post(
        f"/api/v1/encuestas/{clave}", json={"calificacion": 5}, headers=bearer(tableta)
    )
    assert r.status_code == 201 and r.json()["canal"] == "tableta"


def test_limite_de_tasa(cliente):
    codigos = [
        cliente.post("/api/v1/encuestas/x", json={"calificacion": 5}).status_code for _ in range(21)
    ]
    assert codigos == [404] * 20 + [429]
    r = cliente.post("/api/v1/encuestas/x", json={"calificacion": 5})
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60


def test_metrics_resumen_y_reportes(alm, centro, cliente, db_url):
    for cal in (5, 2):
        token = atender(cliente, centro)
        clave = cliente.get(f"/api/v1/turnos/{token}").json()["encuesta"]
        assert (
            cliente.post(f"/api/v1/encuestas/{clave}", json={"calificacion": cal}).status_code
            == 201
        )
    atender(cliente, centro)  # sin respuesta
    texto = cliente.get("/metrics").text
    valores = {
        (m.name, tuple(sorted(m.labels.items()))): m.value
        for f in text_string_to_metric_families(texto)
        for m in f.samples
        if m.name.startswith("turnos_encuesta")
    }
    assert (
        valores[
            (
                "turnos_encuesta_respuestas_total",
                (("calificacion", "5"), ("centro", "prueba"), ("tramite", "A")),
            )
        ]
        == 1
    )
    assert (
        valores[
            (
                "turnos_encuesta_respuestas_total",
                (("calificacion", "2"), ("centro", "prueba"), ("tramite", "A")),
            )
        ]
        == 1
    )
    assert (
        valores[("turnos_encuesta_abiertas_total", (("centro", "prueba"), ("tramite", "A")))] == 3
    )
    assert "Persona" not in texto and "usuario" not in texto
    if shutil.which("promtool"):
        r = subprocess.run(
            ["promtool", "check", "metrics"], input=texto.encode(), capture_output=True, timeout=30
        )
        assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    j = bearer(centro.jefe_token)
    resumen = cliente.get("/api/v1/centros/prueba/encuestas/resumen", headers=j).json()
    assert resumen["fecha"] == "2026-11-23"
    assert (resumen["respuestas"], resumen["atendidos"], resumen["csat_pct"]) == (2, 3, 50.0)
    assert resumen["texto"] == "50.0 % (n = 2; IC 95 %: 9.5–90.5 %)"
    assert (
        cliente.get(
            "/api/v1/centros/prueba/encuestas/resumen", headers=bearer(centro.kiosco_token)
        ).status_code
        == 403
    )
    tablero = cliente.get("/tablero/prueba", headers=j).text
    assert 'id="csat-dia"' in tablero and "/static/encuestas/tablero.js" in tablero
    base = "/tablero/prueba/reportes?desde=2026-11-23&hasta=2026-11-23&vista=indicadores"
    assert "Satisfacción por trámite" in cliente.get(base, headers=j).text
    csv = cliente.get(base + "&formato=csv&tabla=encuestas_tramite", headers=j).text
    assert "A,Trámite A,2,50.0,9.5,90.5,3.5,3,66.7" in csv  # n, CSAT, IC, promedio, tasa
    # Datos abiertos: solo días cerrados (la app de mañana) y solo agregados.
    manana = crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: AHORA + DIA)
    with TestClient(manana) as otro:
        abiertos = otro.get("/datos-abiertos/prueba.json?desde=2026-11-23&hasta=2026-11-23")
    [fila] = abiertos.json()["agregados"]["encuestas_tramite"]
    assert (fila["calificacion_5"], fila["calificacion_2"], fila["atendidos"]) == (1, 1, 3)
    assert (
        "Satisfacción ciudadana"
        in cliente.get(
            "/tablero/prueba/reportes?desde=2026-11-23&hasta=2026-11-23&vista=evidencia", headers=j
        ).text
    )


def test_admin_conjunto_de_preguntas(alm, centro, cliente):
    from tests.e2e.test_paginas_personal import csrf, entrar

    assert entrar(cliente, "jefe-prueba").status_code == 303
    pagina = cliente.get("/admin/encuestas?centro=prueba")
    assert pagina.status_code == 200 and "ENCIG" in pagina.text
    r = cliente.post(
        "/admin/encuestas",
        data={
            "csrf": csrf(pagina.text),
            "centro": "prueba",
            "pregunta": "¿Qué tal le fue?",
            "reactivos": ["trato", "tiempo"],
            "mensaje_reposo": "Hola",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    token = atender(cliente, centro)
    clave = cliente.get(f"/api/v1/turnos/{token}").json()["encuesta"]
    d = cliente.get(f"/api/v1/encuestas/{clave}").json()
    assert d["pregunta"] == "¿Qué tal le fue?" and d["mensaje_reposo"] == "Hola"
    assert [r["clave"] for r in d["reactivos"]] == ["tiempo", "trato"]
    url = f"/api/v1/encuestas/{clave}"
    error(
        cliente.post(url, json={"calificacion": 4, "reactivos": {"informacion": 3}}),
        400,
        "entrada_invalida",
    )
    assert cliente.post(url, json={"calificacion": 4, "reactivos": {"trato": 5}}).status_code == 201
    assert 'href="/admin/encuestas?centro=prueba"' in cliente.get("/admin/prueba/tramites").text


def test_openapi_documenta_encuestas(cliente):
    doc = cliente.get("/api/v1/openapi.json").json()
    post = doc["paths"]["/api/v1/encuestas/{clave}"]["post"]
    assert {"201", "409", "404", "429"} <= set(post["responses"])
    assert doc["components"]["schemas"]["RespuestaEncuesta"]["required"] == ["calificacion"]
    assert "/api/v1/centros/{centro}/encuestas/resumen" in doc["paths"]

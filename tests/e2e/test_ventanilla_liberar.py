"""Liberar la ventanilla que dejó abierta otra persona (jefe/admin, con motivo en la bitácora),
«continuar» sin eventos repetidos, y el cierre del día que pide confirmar: API y página."""

import json

from sqlalchemy import text

from tests.e2e.conftest import bearer
from tests.e2e.test_paginas_personal import accion, entrar

VENT = "/api/v1/centros/prueba/ventanillas"


def _eventos(app, tipo):
    with app.state.alm.lectura() as c:
        return [
            json.loads(d)
            for (d,) in c.execute(
                text("SELECT datos FROM evento WHERE tipo = :t ORDER BY seq"), {"t": tipo}
            )
        ]


def test_jefe_no_toma_en_silencio_y_libera_con_motivo(app, cliente, centro):
    v1, v2 = bearer(centro.staff_tokens[0]), bearer(centro.staff_tokens[1])
    jefe = bearer(centro.jefe_token)
    assert cliente.post(f"{VENT}/1/abrir", headers=v1).status_code == 200
    r = cliente.post(f"{VENT}/1/abrir", headers=jefe)  # antes: 200 y la ventanilla era suya
    assert r.status_code == 409 and r.json()["error"] == "ventanilla_ocupada", r.text
    assert cliente.post(f"{VENT}/1/cerrar", headers=jefe).status_code == 409
    r = cliente.post(f"{VENT}/1/liberar", json={"motivo": "se cayó"}, headers=v2)
    assert r.status_code == 403
    r = cliente.post(f"{VENT}/1/liberar", headers=jefe)
    assert r.status_code == 400 and "motivo" in r.json()["mensaje"]
    r = cliente.post(f"{VENT}/1/liberar", json={"motivo": "su navegador se cerró"}, headers=jefe)
    assert r.status_code == 200 and r.json()["estado"] == "cerrada", r.text
    [liberada] = _eventos(app, "ventanilla_liberada")
    assert liberada["motivo"] == "su navegador se cerró" and liberada["ventanilla"] == 1
    assert cliente.post(f"{VENT}/1/abrir", headers=v2).json()["estado"] == "abierta"


def test_liberar_con_turno_en_curso_pide_terminarlo(cliente, centro):
    k, v1 = bearer(centro.kiosco_token), bearer(centro.staff_tokens[0])
    jefe = bearer(centro.jefe_token)
    cliente.post("/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=k)
    cliente.post(f"{VENT}/1/abrir", headers=v1)
    cliente.post(f"{VENT}/1/llamar", headers=v1)
    r = cliente.post(f"{VENT}/1/liberar", json={"motivo": "x"}, headers=jefe)
    assert r.status_code == 409 and "turno en curso" in r.json()["mensaje"]
    assert cliente.post(f"{VENT}/1/rellamar", headers=jefe).status_code == 200
    assert cliente.post(f"{VENT}/1/ausente", headers=jefe).status_code == 200
    r = cliente.post(f"{VENT}/1/liberar", json={"motivo": "x"}, headers=jefe)
    assert r.status_code == 200


def test_continuar_no_registra_otra_apertura(app, cliente, centro):
    v1 = bearer(centro.staff_tokens[0])
    for _ in range(3):
        r = cliente.post(f"{VENT}/1/abrir", headers=v1)
        assert r.status_code == 200 and r.json()["estado"] == "abierta"
    assert len(_eventos(app, "ventanilla_abierta")) == 1


def test_pagina_ventanilla_continuar_y_liberar(app, cliente, centro):
    entrar(cliente, "v1-prueba")
    accion(cliente, 1, "abrir")
    cliente.cookies.clear()  # su navegador murió
    entrar(cliente, "v1-prueba")
    pagina = cliente.get("/ventanilla").text
    assert "Continuar en Ventanilla 1" in pagina
    r = accion(cliente, 1, "abrir")
    assert "Continúa en Ventanilla 1" in r.text and "Llamar siguiente" in r.text
    assert len(_eventos(app, "ventanilla_abierta")) == 1
    cliente.cookies.clear()
    entrar(cliente, "v2-prueba")
    pagina = cliente.get("/ventanilla").text
    assert "Liberar Ventanilla 1" not in pagina  # rol ventanilla: no libera
    cliente.cookies.clear()
    entrar(cliente, "jefe-prueba")
    pagina = cliente.get("/ventanilla").text
    assert "Liberar Ventanilla 1" in pagina
    r = accion(cliente, 1, "liberar", motivo="navegador caído")
    assert "Ventanilla 1 liberada" in r.text
    assert _eventos(app, "ventanilla_liberada")[0]["motivo"] == "navegador caído"


def test_cierre_por_api_pide_forzar_con_el_centro_abierto(cliente, centro):
    jefe = bearer(centro.jefe_token)
    r = cliente.post("/api/v1/centros/prueba/cierre", headers=jefe)
    assert r.status_code == 409 and r.json()["error"] == "centro_abierto", r.text
    r = cliente.post("/api/v1/centros/prueba/cierre", json={"forzar": "sí"}, headers=jefe)
    assert r.status_code == 400
    r = cliente.post("/api/v1/centros/prueba/cierre", json={"forzar": True}, headers=jefe)
    assert r.status_code == 200 and "sigue abierto" in r.json()["aviso"]


def test_liberar_termina_el_tiempo_abierto_de_la_ventanilla():
    from metricas.kpis import Intervalo, intervalos_abiertos

    eventos = [(0, "ventanilla_abierta", 1, 5), (600_000, "ventanilla_liberada", 1, 9)]
    assert intervalos_abiertos(eventos) == [Intervalo(1, 5, 0, 600_000)]

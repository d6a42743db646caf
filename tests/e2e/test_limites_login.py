"""Fuerza bruta contra /login (issue 8 punto 4): 429 con Retry-After, evento de auditoría y la
contraseña en ningún log. Memoria (por omisión) y Redis real compartido entre procesos."""

from __future__ import annotations

import logging
import uuid

import pytest
import redis
from starlette.testclient import TestClient

from tests.conftest import AHORA
from tests.e2e.test_paginas_personal import entrar
from turnos.servicios import auditoria
from turnos.settings import Settings
from turnos.web.app import crear_app
from turnos.web.limites import Limitador

REDIS = "redis://127.0.0.1:6379/0"
MALA = "adivinanza-equivocada"


def test_fuerza_bruta_por_usuario_recibe_429(cliente, centro, alm, caplog):
    caplog.set_level(logging.DEBUG)
    for _ in range(5):
        assert entrar(cliente, "v1-prueba", MALA).status_code == 401
    r = entrar(cliente, "v1-prueba")  # ni con la contraseña correcta
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert "Demasiados intentos" in r.text
    assert MALA not in caplog.text and "contrasena-segura" not in caplog.text
    eventos = auditoria.eventos_cuentas(alm)
    bloqueos = [e for e in eventos if e["tipo"] == "login_bloqueado"]
    assert len(bloqueos) == 1 and bloqueos[0]["usuario"] == "v1-prueba"
    assert MALA not in repr(eventos)
    # Otra persona sí entra: el límite por usuario no la toca.
    cliente.cookies.clear()
    assert entrar(cliente, "v2-prueba").status_code == 303


def test_otro_no_puede_bloquear_a_un_usuario_desde_su_direccion(app, centro):
    """Cinco fallos desde una dirección no dejan fuera a la persona desde su ventanilla: el
    límite corto por usuario se cuenta por (usuario, dirección)."""
    with (
        TestClient(app, client=("127.0.0.2", 50000)) as atacante,
        TestClient(app, client=("127.0.0.3", 50000)) as ventanilla,
    ):
        for _ in range(5):
            assert entrar(atacante, "v1-prueba", MALA).status_code == 401
        assert entrar(atacante, "v1-prueba").status_code == 429
        assert entrar(ventanilla, "v1-prueba").status_code == 303


def test_fuerza_bruta_por_direccion_con_usuarios_distintos(cliente, centro):
    for n in range(20):
        assert entrar(cliente, f"nadie-{n}", MALA).status_code == 401
    assert entrar(cliente, "v2-prueba").status_code == 429


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.RedisError as e:
        pytest.skip(f"Redis no responde en {REDIS}: {type(e).__name__}")
    prefijo = f"turnos-prueba-{uuid.uuid4().hex[:10]}"
    yield REDIS, prefijo
    cliente = redis.Redis.from_url(REDIS)
    for clave in cliente.scan_iter(f"{prefijo}*"):
        cliente.delete(clave)


def test_redis_comparte_el_limite_entre_procesos(alm, centro, db_url, redis_url):
    url, prefijo = redis_url
    apps = [
        crear_app(Settings(db=db_url, secreto="s", limites_url=url), reloj=lambda: AHORA)
        for _ in range(2)
    ]
    for app in apps:  # dos procesos de la misma instalación: un prefijo propio de esta prueba
        app.state.limitador = Limitador(url, prefijo=prefijo)
    with TestClient(apps[0]) as a, TestClient(apps[1]) as b:
        for _ in range(5):
            assert entrar(a, "v1-prueba", MALA).status_code == 401
        assert entrar(b, "v1-prueba").status_code == 429
    assert any(k.startswith(prefijo.encode()) for k in redis.Redis.from_url(url).scan_iter())


def test_exigir_para_formularios_publicos_da_429_json(app):
    """La línea que usarán citas, buzón y encuesta: cuenta cada envío por dirección."""
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from turnos.web import limites

    async def buzon(request):
        await limites.exigir(request, "buzon-prueba", "2/minute")
        return JSONResponse({"ok": True})

    app.router.routes.insert(0, Route("/api/v1/buzon-prueba", buzon, methods=["POST"]))
    with TestClient(app) as c:
        assert [c.post("/api/v1/buzon-prueba").status_code for _ in range(2)] == [200, 200]
        r = c.post("/api/v1/buzon-prueba")
    assert r.status_code == 429
    assert r.json()["error"] == "demasiados_intentos"
    assert "Demasiados intentos" in r.json()["mensaje"]
    assert 0 < int(r.headers["retry-after"]) <= 60

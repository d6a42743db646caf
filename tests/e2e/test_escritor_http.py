"""Las rutas calientes escriben por el escritor del Almacén (issue 14), de punta a punta.

Con uvicorn real y SQLite en archivo: 16 clientes emiten a la vez mientras 3 ventanillas llaman y
finalizan; ningún turno se pierde, los folios son únicos y consecutivos por prefijo, cada turno se
llama una sola vez y la cadena de la bitácora queda íntegra. En proceso (TestClient): emitir,
llamar, iniciar y finalizar confirman en el hilo escritor, los errores del dominio salen igual
(4xx en español) y al cerrar la app el hilo termina.
"""

import asyncio
import re
import threading
from collections import Counter

import httpx
import pytest
from sqlalchemy import text

from apoyo.servidor import servidor
from tests.conftest import sembrar_centro
from tests.e2e.conftest import bearer
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.servicios.auditoria import auditar

CLIENTES, POR_CLIENTE, VENTANILLAS = 16, 25, 3
ESCRITOR = "turnos-escritor"


def _escritores() -> list[threading.Thread]:
    return [h for h in threading.enumerate() if h.name.startswith(ESCRITOR)]


async def _carga(url: str, centro) -> tuple[list[httpx.Response], list[str], Counter[int]]:
    emitidas: list[httpx.Response] = []
    llamados: list[str] = []
    otros: Counter[int] = Counter()  # status inesperados de llamar/finalizar
    fin_emision = asyncio.Event()

    async def kiosco(i: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60) as c:
            for j in range(POR_CLIENTE):
                emitidas.append(
                    await c.post(
                        "/api/v1/centros/prueba/turnos",
                        json={"tramite": "AB"[(i + j) % 2]},
                        headers=bearer(centro.kiosco_token),
                    )
                )

    async def ventanilla(n: int) -> None:
        h = bearer(centro.staff_tokens[n - 1])
        base = f"/api/v1/centros/prueba/ventanillas/{n}"
        async with httpx.AsyncClient(base_url=url, timeout=60) as c:
            assert (await c.post(f"{base}/abrir", headers=h)).status_code == 200
            while True:
                r = await c.post(f"{base}/llamar", headers=h)
                if r.status_code == 204:
                    if fin_emision.is_set():
                        return  # ya no llegará nadie más
                    await asyncio.sleep(0.01)
                    continue
                if r.status_code != 200:
                    otros[r.status_code] += 1
                    return
                llamados.append(r.json()["folio"])
                for accion in ("iniciar", "finalizar"):
                    r = await c.post(f"{base}/{accion}", headers=h)
                    if r.status_code != 200:
                        otros[r.status_code] += 1

    async def kioscos() -> None:
        await asyncio.gather(*(kiosco(i) for i in range(CLIENTES)))
        fin_emision.set()

    await asyncio.gather(kioscos(), *(ventanilla(n) for n in range(1, VENTANILLAS + 1)))
    return emitidas, llamados, otros


@pytest.mark.lento
def test_emisiones_concurrentes_por_http_sin_perdidas(sqlite_url):
    motor = crear_motor(sqlite_url)
    migrar(motor)
    alm = Almacen(motor)
    centro = sembrar_centro(alm, ventanillas=VENTANILLAS)
    with servidor(sqlite_url) as srv:
        emitidas, llamados, otros = asyncio.run(_carga(srv.url, centro))
        error = httpx.post(
            f"{srv.url}/api/v1/centros/prueba/turnos",
            json={"tramite": "ZZ"},
            headers=bearer(centro.kiosco_token),
        )
    total = CLIENTES * POR_CLIENTE
    assert [r.status_code for r in emitidas] == [201] * total
    assert otros == Counter()
    folios = [r.json()["folio"] for r in emitidas]
    assert len(set(folios)) == total
    for prefijo in "AB":
        numeros = sorted(int(f[2:]) for f in folios if f.startswith(f"{prefijo}-"))
        assert numeros == list(range(1, len(numeros) + 1))
    assert sorted(llamados) == sorted(folios)  # cada turno, llamado exactamente una vez
    assert error.status_code == 404 and error.json()["error"] == "tramite_no_encontrado"
    assert re.search(r"[Tt]rámite", error.json()["mensaje"])

    integro = auditar(alm, "prueba")
    assert integro[1] is None
    with alm.lectura() as c:
        assert c.execute(text("SELECT count(*) FROM turno")).scalar() == total
        assert (
            c.execute(text("SELECT count(*) FROM turno WHERE estado = 'atendido'")).scalar()
            == total
        )
        assert c.execute(text("SELECT sum(n) FROM espera")).scalar() == 0
    motor.dispose()


def test_rutas_calientes_confirman_en_el_hilo_escritor(app, centro, db_url):
    from starlette.testclient import TestClient

    k, v1 = bearer(centro.kiosco_token), bearer(centro.staff_tokens[0])
    hilos: list[str] = []
    with TestClient(app) as cliente:
        alm = app.state.alm
        repartir = alm.al_confirmar

        def al_confirmar(eventos):  # corre en el hilo que confirmó la transacción
            hilos.append(threading.current_thread().name)
            if repartir is not None:
                repartir(eventos)

        alm.al_confirmar = al_confirmar
        for tramite in ("A", "B", "A"):
            r = cliente.post("/api/v1/centros/prueba/turnos", json={"tramite": tramite}, headers=k)
            assert r.status_code == 201
        cliente.post("/api/v1/centros/prueba/ventanillas/1/abrir", headers=v1)
        for accion in ("llamar", "iniciar", "finalizar"):
            r = cliente.post(f"/api/v1/centros/prueba/ventanillas/1/{accion}", headers=v1)
            assert r.status_code == 200, r.text
        # Errores del dominio: mismos 4xx en español que antes.
        r = cliente.post("/api/v1/centros/prueba/ventanillas/1/iniciar", headers=v1)
        assert r.status_code == 409 and "no tiene un turno" in r.json()["mensaje"], r.text
        r = cliente.post("/api/v1/centros/prueba/ventanillas/2/llamar", headers=v1)
        assert r.status_code in (403, 409) and r.json()["mensaje"], r.text
        r = cliente.post("/api/v1/centros/prueba/turnos", json={"tramite": "Z"}, headers=k)
        assert r.status_code == 404 and r.json()["error"] == "tramite_no_encontrado"
        r = cliente.post("/api/v1/centros/prueba/turnos", json={}, headers=k)
        assert r.status_code == 400 and r.json()["error"] == "campo_faltante"
        if not alm.es_pg:
            assert len(_escritores()) == 1
    if alm.es_pg:
        assert hilos == []  # en PostgreSQL reparte NOTIFY, no `al_confirmar`
    else:
        # 3 emisiones + abrir + llamar + iniciar + finalizar, todas en el mismo hilo escritor.
        assert len(hilos) == 7 and set(hilos) == {hilos[0]} and hilos[0].startswith(ESCRITOR)
    assert _escritores() == []  # el lifespan lo cerró


def test_ninguna_sentencia_corre_en_el_bucle_de_eventos(app, centro):
    """Las rutas calientes no bloquean el bucle: toda sentencia SQL (autenticación, centro de la
    sesión, la escritura) corre en un hilo (threadpool o escritor), nunca en el del bucle. (Antes,
    /ventanilla y /ventanilla/cola leían el centro de la sesión en el bucle.)"""
    from sqlalchemy import event
    from starlette.testclient import TestClient

    from tests.e2e.test_paginas_personal import csrf, entrar

    en_el_bucle: list[str] = []

    def vigilar(conn, cursor, sql, *args):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        en_el_bucle.append(sql)

    with TestClient(app) as cliente:
        entrar(cliente, "v1-prueba")
        pagina = cliente.get("/ventanilla").text
        event.listen(app.state.alm.motor, "before_cursor_execute", vigilar)
        try:
            r = cliente.post(
                "/api/v1/centros/prueba/turnos",
                json={"tramite": "A"},
                headers=bearer(centro.kiosco_token),
            )
            assert r.status_code == 201
            datos = {"csrf": csrf(pagina), "numero": 1}
            for accion in ("abrir", "llamar", "iniciar", "finalizar"):
                r = cliente.post(
                    "/ventanilla", data={**datos, "accion": accion}, follow_redirects=False
                )
                assert r.status_code == 303
            assert cliente.get("/ventanilla/cola").status_code == 200  # la lista que se refresca
            h = bearer(centro.staff_tokens[1])
            assert cliente.post("/api/v1/centros/prueba/ventanillas/2/abrir", headers=h).is_success
        finally:
            event.remove(app.state.alm.motor, "before_cursor_execute", vigilar)
    assert en_el_bucle == []

"""Tiempo real con la app de verdad: uvicorn real, cliente `websockets`, SQLite y PostgreSQL."""

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest
import websockets

from tests.conftest import esquema_pg, sembrar_centro
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.servicios import emision


def preparar(url):
    motor = crear_motor(url)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor), ventanillas=3)
    motor.dispose()
    return centro


async def recibir(ws, tipo, timeout=10):
    while True:
        m = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if m["tipo"] == tipo:
            return m


def api(base, token):
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_snapshot_eventos_y_reconexion_sin_perder_ni_repetir(db_url):
    centro = preparar(db_url)
    with servidor(db_url) as s:
        ws_url = s.url.replace("http", "ws") + f"/ws/pantalla/prueba?token={centro.pantalla_token}"
        k, v = api(s.url, centro.kiosco_token), api(s.url, centro.staff_tokens[0])
        for _ in range(6):
            assert k.post("/api/v1/centros/prueba/turnos", json={"tramite": "A"}).status_code == 201
        v.post("/api/v1/centros/prueba/ventanillas/1/abrir")

        async def escenario():
            async with websockets.connect(ws_url) as ws:
                snap = await recibir(ws, "snapshot")
                assert snap["cola"]["A"]["esperando"] == 6 and snap["centro"]["slug"] == "prueba"
                assert "token" not in json.dumps(snap)
                assert v.post("/api/v1/centros/prueba/ventanillas/1/llamar").status_code == 200
                # Holgura: si un aviso de PostgreSQL se pierde, la conciliación (15 s) lo trae.
                ev = await recibir(ws, "turno_llamado", timeout=30)
                assert ev["turno"]["folio"] == "A-001" and ev["ventanilla"]["numero"] == 1
                assert ev["seq"] > snap["seq"] and ev["cola"] == {"A": 5}
                ultimo = ev["seq"]
            # desconectada: ocurren llamados que no ve
            for _ in range(3):
                v.post("/api/v1/centros/prueba/ventanillas/1/finalizar")
                v.post("/api/v1/centros/prueba/ventanillas/1/llamar")
            async with websockets.connect(ws_url + f"&desde={ultimo}") as ws:
                vistos = []
                while len(vistos) < 3:
                    m = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    assert m["tipo"] != "snapshot"
                    if m["tipo"] == "turno_llamado":
                        vistos.append(m["turno"]["folio"])
                    if "seq" in m and m["tipo"] != "latido":
                        assert m["seq"] > ultimo
                        ultimo = m["seq"]
                assert vistos == ["A-002", "A-003", "A-004"]

        asyncio.run(escenario())


def test_evento_confirmado_fuera_del_servidor_llega_en_orden(sqlite_url):
    """Otro proceso confirma un cambio sobre el mismo archivo SQLite (la CLI, o un worker que muere
    entre el COMMIT y su aviso): su evento no pasa por el hub del servidor y deja un hueco en el
    seq. La sesión de la pantalla ve el salto y lo rellena con replay de la BD, en orden."""
    centro = preparar(sqlite_url)
    with servidor(sqlite_url) as s:
        ws_url = s.url.replace("http", "ws") + f"/ws/pantalla/prueba?token={centro.pantalla_token}"
        k = api(s.url, centro.kiosco_token)

        async def escenario():
            async with websockets.connect(ws_url) as ws:
                snap = await recibir(ws, "snapshot")
                motor = crear_motor(sqlite_url)
                fuera = emision.emitir(
                    Almacen(motor), "prueba", "A", centro.kiosco, datetime.now(UTC)
                )
                motor.dispose()
                r = await asyncio.to_thread(
                    k.post, "/api/v1/centros/prueba/turnos", json={"tramite": "A"}
                )
                assert r.status_code == 201
                vistos = []
                while not vistos or vistos[-1][1] != r.json()["folio"]:
                    m = await recibir(ws, "turno_emitido")
                    vistos.append((m["seq"], m["turno"]["folio"]))
                assert vistos == [
                    (snap["seq"] + 1, fuera["folio"]),
                    (snap["seq"] + 2, r.json()["folio"]),
                ]

        asyncio.run(escenario())


def test_aviso_perdido_de_postgresql_se_concilia_con_la_bitacora(pg_base):
    """Otro proceso confirma un cambio y muere antes de su NOTIFY (aquí: su Almacén no avisa).
    Nadie más escribe en ese centro, así que ningún evento posterior deja ver el hueco: cada
    `TURNOS_PG_CONCILIAR_S` el puente compara lo último repartido con la bitácora y lo recupera."""
    gen = esquema_pg(pg_base)
    url = next(gen)
    try:
        centro = preparar(url)
        extra = {"TURNOS_PG_CONCILIAR_S": "1"}
        with servidor(url, extra_env=extra) as s:
            ws_url = (
                s.url.replace("http", "ws") + f"/ws/pantalla/prueba?token={centro.pantalla_token}"
            )

            async def escenario():
                async with websockets.connect(ws_url) as ws:
                    snap = await recibir(ws, "snapshot")
                    motor = crear_motor(url)
                    mudo = Almacen(motor)
                    mudo._notificar = lambda eventos: None  # murió entre COMMIT y NOTIFY
                    t = emision.emitir(mudo, "prueba", "A", centro.kiosco, datetime.now(UTC))
                    motor.dispose()
                    m = await recibir(ws, "turno_emitido", timeout=15)
                    assert (m["seq"], m["turno"]["folio"]) == (snap["seq"] + 1, t["folio"])

            asyncio.run(escenario())
    finally:
        next(gen, None)


def test_dos_instalaciones_en_la_misma_base_no_se_cruzan_los_avisos(pg_base):
    """Dos instalaciones en esquemas distintos de la MISMA base de PostgreSQL (p. ej. pruebas y
    producción, o las pruebas de CI en paralelo), ambas con un centro «prueba»: NOTIFY es de
    toda la base, así que el canal lleva el esquema. Antes, los eventos de una llegaban a las
    pantallas de la otra con su `seq` y la dejaban descartando los suyos."""
    gen_a, gen_b = esquema_pg(pg_base), esquema_pg(pg_base)
    url_a, url_b = next(gen_a), next(gen_b)
    try:
        centro_a, centro_b = preparar(url_a), preparar(url_b)
        with servidor(url_a) as a, servidor(url_b) as b:
            ws_url = (
                a.url.replace("http", "ws") + f"/ws/pantalla/prueba?token={centro_a.pantalla_token}"
            )
            ka, kb = api(a.url, centro_a.kiosco_token), api(b.url, centro_b.kiosco_token)

            async def escenario():
                async with websockets.connect(ws_url) as ws:
                    snap = await recibir(ws, "snapshot")
                    for _ in range(3):  # la otra instalación avanza su propio seq
                        r = await asyncio.to_thread(
                            kb.post, "/api/v1/centros/prueba/turnos", json={"tramite": "B"}
                        )
                        assert r.status_code == 201
                    r = await asyncio.to_thread(
                        ka.post, "/api/v1/centros/prueba/turnos", json={"tramite": "A"}
                    )
                    assert r.status_code == 201
                    m = await recibir(ws, "turno_emitido")
                    assert (m["seq"], m["turno"]["folio"]) == (snap["seq"] + 1, r.json()["folio"])

            asyncio.run(escenario())
    finally:
        next(gen_a, None)
        next(gen_b, None)


def test_websocket_sin_token_o_de_otro_tipo_se_rechaza(sqlite_url):
    centro = preparar(sqlite_url)
    with servidor(sqlite_url) as s:
        base = s.url.replace("http", "ws") + "/ws/pantalla/prueba"

        async def intentar(sufijo):
            try:
                async with websockets.connect(base + sufijo) as ws:
                    await asyncio.wait_for(ws.recv(), 5)
            except websockets.exceptions.InvalidStatus as e:
                return e.response.status_code
            except websockets.exceptions.ConnectionClosed as e:
                return e.rcvd.code if e.rcvd else None
            return 0

        assert asyncio.run(intentar("")) in (403, 4403)
        assert asyncio.run(intentar("?token=falso")) in (403, 4403)
        assert (
            asyncio.run(intentar(f"?token={centro.kiosco_token}")) == 0
        )  # el kiosco sí ve la cola


@pytest.mark.postgres
@pytest.mark.lento
def test_tres_procesos_treinta_pantallas_cada_llamado_una_vez(pg_base):
    from tests.conftest import esquema_pg

    gen = esquema_pg(pg_base)
    url = next(gen)
    try:
        centro = preparar(url)
        with servidor(url, workers=3) as s:
            ws_url = (
                s.url.replace("http", "ws") + f"/ws/pantalla/prueba?token={centro.pantalla_token}"
            )
            ks = [api(s.url, centro.kiosco_token) for _ in range(3)]
            vs = [api(s.url, t) for t in centro.staff_tokens]
            for i in range(30):
                assert (
                    ks[i % 3]
                    .post("/api/v1/centros/prueba/turnos", json={"tramite": "AB"[i % 2]})
                    .status_code
                    == 201
                )
            for n, v in enumerate(vs, 1):
                v.post(f"/api/v1/centros/prueba/ventanillas/{n}/abrir")

            async def escenario():
                conexiones = [await websockets.connect(ws_url) for _ in range(30)]
                recibidos = [[] for _ in conexiones]
                for c in conexiones:
                    await recibir(c, "snapshot")

                async def leer(i, c):
                    while len(recibidos[i]) < 30:
                        m = json.loads(await asyncio.wait_for(c.recv(), 20))
                        if m["tipo"] == "turno_llamado":
                            recibidos[i].append(m["turno"]["folio"])

                lectores = [asyncio.create_task(leer(i, c)) for i, c in enumerate(conexiones)]

                def llamar_todo():
                    for r in range(10):  # 30 llamadas repartidas en 3 ventanillas (y procesos)
                        for n, v in enumerate(vs, 1):
                            if r:
                                assert (
                                    v.post(
                                        f"/api/v1/centros/prueba/ventanillas/{n}/finalizar"
                                    ).status_code
                                    == 200
                                )
                            r_ = v.post(f"/api/v1/centros/prueba/ventanillas/{n}/llamar")
                            assert r_.status_code == 200, r_.text

                await asyncio.to_thread(llamar_todo)
                await asyncio.wait_for(asyncio.gather(*lectores), 30)
                for c in conexiones:
                    await c.close()
                return recibidos

            recibidos = asyncio.run(escenario())
            esperado = sorted(f"{p}-{n:03d}" for p in "AB" for n in range(1, 16))
            for r in recibidos:
                assert sorted(r) == esperado and len(r) == len(set(r)) == 30
    finally:
        next(gen, None)

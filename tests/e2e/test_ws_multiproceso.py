"""Varios procesos trabajadores sobre PostgreSQL real: cada llamado llega a cada pantalla
exactamente una vez, en orden, sin importar por qué proceso se hizo.

Este archivo es también el programa de cada trabajador (``python este_archivo.py --fd N …``):
una app mínima con hub + ``PuentePostgres`` + ``servir`` y un «llamar» que guarda el evento y
hace ``pg_notify`` en la misma transacción, como el núcleo.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import pg_dsn

RAIZ = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- trabajador


def crear_app(dsn: str, tabla: str, canal: str) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket

    from pantalla.ws import parametros, servir
    from turnos.eventos.hub import Hub
    from turnos.eventos.puente_pg import PuentePostgres, notificar_sql

    eventos, contador = sql.Identifier(tabla), sql.Identifier(tabla + "_n")
    hub = Hub()

    async def replay(centro: str, desde: int) -> list[dict[str, Any]]:
        async with await psycopg.AsyncConnection.connect(dsn) as c:
            cur = await c.execute(
                sql.SQL("SELECT datos FROM {} WHERE seq > %s ORDER BY seq").format(eventos),
                (desde,),
            )
            return [fila[0] for fila in await cur.fetchall()]

    async def snapshot(centro: str) -> dict[str, Any]:
        async with await psycopg.AsyncConnection.connect(dsn) as c:
            cur = await c.execute(sql.SQL("SELECT coalesce(max(seq), 0) FROM {}").format(eventos))
            fila = await cur.fetchone()
        return {
            "tipo": "snapshot",
            "seq": fila[0] if fila else 0,
            "centro": {"slug": centro},
            "llamados": [],
            "cola": {},
            "ventanillas": [],
        }

    async def llamar(request: Request) -> JSONResponse:
        cuerpo = await request.json()
        async with await psycopg.AsyncConnection.connect(dsn) as c:
            # Contador por fila (UPDATE … RETURNING): seq sin huecos en orden de commit.
            cur = await c.execute(sql.SQL("UPDATE {} SET n = n + 1 RETURNING n").format(contador))
            fila = await cur.fetchone()
            assert fila is not None
            evento = {
                "seq": fila[0],
                "tipo": "turno_llamado",
                "centro": "demo",
                "turno": {"folio": cuerpo["folio"], "tramite": "LIC"},
                "ventanilla": {"numero": cuerpo["ventanilla"]},
                "cola": {"LIC": 0},
                "pid": os.getpid(),
            }
            await c.execute(
                sql.SQL("INSERT INTO {} VALUES (%s, %s)").format(eventos),
                (evento["seq"], json.dumps(evento)),
            )
            consulta, params = notificar_sql(evento, estilo="pyformat", canal=canal)
            await c.execute(consulta, params)
            await c.commit()
        # Modo PostgreSQL: no se publica en el hub local; llega por LISTEN como a todos.
        return JSONResponse({"seq": evento["seq"]})

    async def pantalla_ws(websocket: WebSocket) -> None:
        await websocket.accept()
        filtro, desde = parametros(websocket)
        await servir(websocket, hub, "demo", snapshot, replay, filtro=filtro, desde=desde)

    async def listo(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok" if puente.conectado.is_set() else "no", 200)

    puente = PuentePostgres(dsn, hub, replay=replay, canal=canal)

    @contextlib.asynccontextmanager
    async def vida(_app: Starlette) -> AsyncIterator[None]:
        await puente.iniciar()
        yield
        await puente.detener()

    return Starlette(
        routes=[
            Route("/llamar", llamar, methods=["POST"]),
            Route("/listo", listo),
            WebSocketRoute("/ws/pantalla/{centro}", pantalla_ws),
        ],
        lifespan=vida,
    )


def main() -> None:
    import uvicorn

    p = argparse.ArgumentParser()
    p.add_argument("--fd", type=int, required=True)
    p.add_argument("--dsn", required=True)
    p.add_argument("--tabla", required=True)
    p.add_argument("--canal", required=True)
    a = p.parse_args()
    uvicorn.run(crear_app(a.dsn, a.tabla, a.canal), fd=a.fd, log_level="warning")


# ---------------------------------------------------------------- prueba


def _dsn() -> str:
    return pg_dsn()


@pytest.mark.postgres
def test_tres_procesos_treinta_pantallas_cada_llamado_una_vez() -> None:
    import httpx
    from websockets.asyncio.client import connect

    dsn = _dsn()
    tabla, canal = f"pantalla_mp_{uuid.uuid4().hex[:10]}", f"turnos_mp_{uuid.uuid4().hex[:10]}"
    eventos, contador = sql.Identifier(tabla), sql.Identifier(tabla + "_n")
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(sql.SQL("CREATE TABLE {} (seq int PRIMARY KEY, datos jsonb)").format(eventos))
        c.execute(sql.SQL("CREATE TABLE {} (n int NOT NULL)").format(contador))
        c.execute(sql.SQL("INSERT INTO {} VALUES (0)").format(contador))

    procesos, puertos = [], []
    entorno = dict(os.environ, PYTHONPATH=str(RAIZ))
    try:
        for _ in range(3):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(128)
            puertos.append(s.getsockname()[1])
            procesos.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        __file__,
                        "--fd",
                        str(s.fileno()),
                        "--dsn",
                        dsn,
                        "--tabla",
                        tabla,
                        "--canal",
                        canal,
                    ],
                    pass_fds=[s.fileno()],
                    env=entorno,
                    cwd=RAIZ,
                )
            )
            s.close()
        limite = time.monotonic() + 20
        for puerto in puertos:
            while True:
                assert time.monotonic() < limite, "los trabajadores no arrancaron"
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"http://127.0.0.1:{puerto}/listo").text == "ok":
                        break
                time.sleep(0.1)

        total, n_pantallas = 60, 30

        async def pantalla(puerto: int, conectadas: list[int]) -> list[int]:
            vistos: list[int] = []
            async with connect(f"ws://127.0.0.1:{puerto}/ws/pantalla/demo") as ws:
                snap = json.loads(await ws.recv())
                assert snap["tipo"] == "snapshot" and snap["seq"] == 0
                conectadas.append(puerto)
                while len(vistos) < total:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if msg["tipo"] != "latido":
                        vistos.append(msg["seq"])
                with contextlib.suppress(TimeoutError):  # ¿llega algo de más?
                    extra = await asyncio.wait_for(ws.recv(), 0.5)
                    if json.loads(extra)["tipo"] != "latido":
                        vistos.append(-1)
            return vistos

        async def caso() -> None:
            conectadas: list[int] = []
            tareas = [
                asyncio.create_task(pantalla(puertos[i % 3], conectadas))
                for i in range(n_pantallas)
            ]
            async with asyncio.timeout(10):
                while len(conectadas) < n_pantallas:
                    await asyncio.sleep(0.02)
            async with httpx.AsyncClient(timeout=10) as http:

                async def llamar(i: int) -> int:
                    puerto = random.choice(puertos)
                    r = await http.post(
                        f"http://127.0.0.1:{puerto}/llamar",
                        json={"folio": f"A-{i:03d}", "ventanilla": 1 + i % 5},
                    )
                    r.raise_for_status()
                    return int(r.json()["seq"])

                # Llamados concurrentes repartidos entre los tres procesos.
                hechos = []
                for lote in range(0, total, 6):
                    hechos += await asyncio.gather(*(llamar(i) for i in range(lote, lote + 6)))
            assert sorted(hechos) == list(range(1, total + 1))
            resultados = await asyncio.wait_for(asyncio.gather(*tareas), 30)
            for vistos in resultados:
                assert vistos == list(range(1, total + 1))

        asyncio.run(caso())
    finally:
        for proc in procesos:
            proc.terminate()
        for proc in procesos:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute(sql.SQL("DROP TABLE IF EXISTS {}, {}").format(eventos, contador))


if __name__ == "__main__":
    main()

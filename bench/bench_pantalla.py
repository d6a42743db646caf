"""Benchmark de pantallas: N websockets en un proceso uvicorn; latencia publicar -> pantalla.

Versión autónoma: el servidor (subproceso) monta ``pantalla.ws.servir`` con el almacén en
memoria y expone ``POST /llamar``, que «confirma» en un hilo (como el núcleo en su threadpool)
y publica con ``Hub.publicar_desde_hilo``. Cada evento lleva la marca ``_t`` (reloj monótono,
común a todos los procesos de la máquina) tomada justo antes de publicar.

    python bench/bench_pantalla.py                 # N = 100, 500, 1000
    python bench/bench_pantalla.py --n 50 --llamados 20  # corto, para CI

Imprime cifras; no afirma nada (DESIGN: los benchmarks no son pruebas con tiempos).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RAIZ = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RAIZ))


# ---------------------------------------------------------------- servidor (subproceso)


def crear_app() -> Any:
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket

    from pantalla.banco import AlmacenMemoria
    from pantalla.ws import parametros, servir
    from turnos.eventos.hub import Hub

    hub, almacen = Hub(), AlmacenMemoria(limite_replay=5000)

    async def llamar(request: Request) -> JSONResponse:
        loop = asyncio.get_running_loop()

        def confirmar() -> dict[str, Any]:  # lo que hará el núcleo tras su commit
            evento = almacen.llamar(almacen.turno("LIC"), ventanilla=1)
            evento["_t"] = time.monotonic()
            hub.publicar_desde_hilo(loop, "demo", evento)
            return evento

        evento = await run_in_threadpool(confirmar)
        return JSONResponse({"seq": evento["seq"]})

    async def pantalla_ws(websocket: WebSocket) -> None:
        await websocket.accept()
        filtro, desde = parametros(websocket)
        await servir(
            websocket, hub, "demo", almacen.snapshot, almacen.replay, filtro=filtro, desde=desde
        )

    return Starlette(
        routes=[
            Route("/llamar", llamar, methods=["POST"]),
            WebSocketRoute("/ws/pantalla/{centro}", pantalla_ws),
        ]
    )


def servir_proceso(fd: int) -> None:
    import uvicorn

    uvicorn.run(crear_app(), fd=fd, log_level="warning", backlog=4096)


# ---------------------------------------------------------------- clientes


class _Pantalla(asyncio.Protocol):
    """Cliente websocket ligero (``websockets`` sans-I/O sobre un ``asyncio.Protocol``).

    Sin una tarea por mensaje: así el proceso de clientes mide al servidor y no a sí mismo.
    """

    def __init__(self, url: str, al_llegar: Any, medible: Any = lambda m: "_t" in m) -> None:
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self.ws = ClientProtocol(parse_uri(url), max_size=None)
        self.al_llegar = al_llegar
        self.medible = medible
        self.lista: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transporte: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transporte = transport  # type: ignore[assignment]  # uvloop no hereda de asyncio
        self.ws.send_request(self.ws.connect())
        transport.write(b"".join(self.ws.data_to_send()))

    def data_received(self, data: bytes) -> None:
        from websockets.frames import Frame, Opcode

        ahora = time.monotonic()
        self.ws.receive_data(data)
        for evento in self.ws.events_received():
            if isinstance(evento, Frame) and evento.opcode is Opcode.TEXT:
                msg = json.loads(evento.data)
                if msg.get("tipo") == "snapshot" and not self.lista.done():
                    self.lista.set_result(None)
                elif self.medible(msg):
                    self.al_llegar(msg, ahora)
        pendiente = self.ws.data_to_send()  # pongs y cierres
        if pendiente and self.transporte is not None:
            self.transporte.write(b"".join(pendiente))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lista.done():
            self.lista.set_exception(ConnectionError("conexión cerrada"))


async def medir(puerto: int, n: int, llamados: int, intervalo_s: float) -> dict[str, Any]:
    import httpx

    url = f"ws://127.0.0.1:{puerto}/ws/pantalla/demo"
    loop = asyncio.get_running_loop()
    calentamiento = 3  # los primeros llamados arrancan hilos y cachés: no cuentan
    llegadas: list[tuple[int, float, float]] = []  # seq, _t, recibido
    todo = asyncio.Event()
    esperados = n * (llamados + calentamiento)

    def al_llegar(msg: dict[str, Any], ahora: float) -> None:
        llegadas.append((msg["seq"], msg["_t"], ahora))
        if len(llegadas) == esperados:
            todo.set()

    inicio = time.monotonic()
    limite = asyncio.Semaphore(100)  # no abrir 1000 handshakes a la vez

    async def abrir() -> _Pantalla:
        async with limite:
            _t, pantalla = await loop.create_connection(
                lambda: _Pantalla(url, al_llegar), "127.0.0.1", puerto
            )
            await asyncio.wait_for(pantalla.lista, 30)
            return pantalla

    pantallas = await asyncio.gather(*(abrir() for _ in range(n)))
    t_conexion = time.monotonic() - inicio
    respuestas: dict[int, float] = {}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{puerto}") as http:
        for _ in range(llamados + calentamiento):
            r = await http.post("/llamar")
            respuestas[r.json()["seq"]] = time.monotonic()
            await asyncio.sleep(intervalo_s)
    await asyncio.wait_for(todo.wait(), 60)
    for pantalla in pantallas:
        if pantalla.transporte is not None:
            pantalla.transporte.close()
    primero = min(seq for seq, _t, _r in llegadas) + calentamiento
    medidas = [(seq, t, r) for seq, t, r in llegadas if seq >= primero]
    return {
        "n": n,
        "retrasos": [r - t for _seq, t, r in medidas],
        # Negativo: la pantalla recibió el llamado antes que quien llamó recibiera la respuesta.
        "desde_respuesta": [r - respuestas[seq] for seq, _t, r in medidas],
        "t_conexion": t_conexion,
    }


def percentil(valores: list[float], p: float) -> float:
    ordenados = sorted(valores)
    return ordenados[min(len(ordenados) - 1, int(round(p / 100 * (len(ordenados) - 1))))]


def cpu() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        for linea in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if linea.startswith("Model name"):
                return linea.split(":", 1)[1].strip()
    return "desconocido"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--n",
        type=int,
        nargs="+",
        default=[100, 500, 1000],
        help="número de pantallas (varios valores: una corrida por cada uno)",
    )
    p.add_argument("--llamados", type=int, default=50, help="llamados por corrida")
    p.add_argument("--intervalo", type=float, default=0.05, help="segundos entre llamados")
    p.add_argument("--servidor", type=int, metavar="FD", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.servidor is not None:
        servir_proceso(a.servidor)
        return

    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    print(f"CPU: {cpu()} ({os.cpu_count()} núcleos); 1 proceso uvicorn; clientes en otro proceso")
    print(
        f"{'pantallas':>9} {'mensajes':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'p99 desde respuesta':>20} {'conexión s':>11}"
    )
    for n in a.n:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(4096)
        puerto = s.getsockname()[1]
        servidor = subprocess.Popen(
            [sys.executable, __file__, "--servidor", str(s.fileno())], pass_fds=[s.fileno()]
        )
        s.close()
        try:
            r = asyncio.run(medir(puerto, n, a.llamados, a.intervalo))
        finally:
            servidor.terminate()
            servidor.wait(10)
        ms = [x * 1000 for x in r["retrasos"]]
        resp = [x * 1000 for x in r["desde_respuesta"]]
        print(
            f"{n:>9} {len(ms):>9} {statistics.median(ms):>8.1f} {percentil(ms, 99):>8.1f}"
            f" {max(ms):>8.1f} {percentil(resp, 99):>20.1f} {r['t_conexion']:>11.2f}"
        )


if __name__ == "__main__":
    main()

"""Websocket de pantalla de punta a punta: uvicorn real en 127.0.0.1 y cliente ``websockets``.

La app se arma aquí con ``pantalla.ws.servir`` y un almacén de eventos en memoria que hace de
núcleo (snapshot y replay); los eventos se «confirman» en el almacén y luego se publican en el
hub desde otro hilo, como hará el núcleo tras el commit.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import ClientConnection, connect

from pantalla.banco import AlmacenMemoria, ServidorHilo
from pantalla.ws import parametros, servir
from turnos.eventos.hub import Hub

TOKEN = "tok-pantalla-prueba"


class Entorno:
    def __init__(self, **opciones: Any) -> None:
        self.hub = Hub()
        self.almacen = AlmacenMemoria()
        self.motivos: list[str] = []
        self.opciones = opciones
        self.servidor = ServidorHilo(self._app())

    def _app(self) -> Starlette:
        async def pantalla_ws(websocket: WebSocket) -> None:
            if websocket.query_params.get("token") != TOKEN:
                await websocket.close(code=1008)
                return
            await websocket.accept()
            filtro, desde = parametros(websocket)
            motivo = await servir(
                websocket,
                self.hub,
                websocket.path_params["centro"],
                self.almacen.snapshot,
                self.almacen.replay,
                filtro=filtro,
                desde=desde,
                **self.opciones,
            )
            self.motivos.append(motivo)

        return Starlette(routes=[WebSocketRoute("/ws/pantalla/{centro}", pantalla_ws)])

    def url(self, desde: int | None = None, **extra: str) -> str:
        url = f"{self.servidor.url_ws}/ws/pantalla/demo?token={TOKEN}"
        if desde is not None:
            url += f"&desde={desde}"
        return url + "".join(f"&{k}={v}" for k, v in extra.items())

    def publicar(self, evento: dict[str, Any]) -> None:
        """Lo que hará el núcleo tras confirmar: entregar al hub desde su hilo."""
        assert self.servidor.loop is not None
        self.hub.publicar_desde_hilo(self.servidor.loop, "demo", evento)

    def llamar(self, ventanilla: int = 1, tramite: str = "LIC", **extra: Any) -> dict[str, Any]:
        evento = self.almacen.llamar(self.almacen.turno(tramite), ventanilla)
        evento.update(extra)
        self.publicar(evento)
        return evento


@pytest.fixture
def entorno(request: pytest.FixtureRequest) -> Iterator[Entorno]:
    opciones = getattr(request, "param", {})
    e = Entorno(**opciones)
    with e.servidor:
        yield e


async def leer(ws: ClientConnection, timeout: float = 3.0, latidos: bool = False) -> dict[str, Any]:
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if latidos or msg["tipo"] != "latido":
            return msg


def test_snapshot_y_despues_eventos_en_orden(entorno: Entorno) -> None:
    for _ in range(3):
        entorno.almacen.emitir("LIC")
    entorno.almacen.llamar(entorno.almacen.turno("LIC", 1), ventanilla=2)

    async def caso() -> None:
        async with connect(entorno.url()) as ws:
            snap = await leer(ws)
            assert snap["tipo"] == "snapshot" and snap["seq"] == 4
            assert snap["llamados"][0]["folio"] == "A-001"
            assert snap["llamados"][0]["ventanilla"]["numero"] == 2
            assert snap["cola"]["LIC"] == {"nombre": "Licencia de conducir", "esperando": 2}
            for i in range(20):
                entorno.llamar(ventanilla=1 + i % 4)
            recibidos = [await leer(ws) for _ in range(20)]
            assert [m["seq"] for m in recibidos] == list(range(5, 25))
            assert all(m["tipo"] == "turno_llamado" for m in recibidos)
            assert set(recibidos[0]["turno"]) == {  # el evento pasa tal cual, sin agregados
                "id",
                "folio",
                "tramite",
                "tramite_nombre",
                "clase",
                "estado",
            }

    asyncio.run(caso())


def test_reconexion_a_mitad_de_rafaga_sin_perdidas_ni_duplicados(entorno: Entorno) -> None:
    total = 300

    def rafaga() -> None:
        for i in range(total):
            entorno.llamar(ventanilla=1 + i % 4)
            time.sleep(0.002)

    async def pantalla(cortes: list[int]) -> list[int]:
        vistos: list[int] = []
        ultimo: int | None = None
        while len(vistos) < total:
            async with connect(entorno.url(desde=ultimo)) as ws:
                while len(vistos) < total:
                    msg = await leer(ws, timeout=5)
                    if msg["tipo"] == "snapshot":
                        assert ultimo is None, "reconexión corta debe usar replay, no snapshot"
                        ultimo = msg["seq"]
                        continue
                    vistos.append(msg["seq"])
                    ultimo = msg["seq"]
                    if cortes and len(vistos) >= cortes[0]:
                        cortes.pop(0)
                        break  # se cae a media ráfaga
            await asyncio.sleep(0.03)
        return vistos

    async def caso() -> None:
        tareas = [asyncio.create_task(pantalla(c)) for c in ([40, 120, 121, 250], [], [5, 299])]
        await asyncio.sleep(0.3)  # que todas tengan su snapshot antes de la ráfaga
        hilo = threading.Thread(target=rafaga)
        hilo.start()
        resultados = await asyncio.wait_for(asyncio.gather(*tareas), 30)
        hilo.join()
        for vistos in resultados:
            assert vistos == list(range(1, total + 1))

    asyncio.run(caso())


def test_hueco_en_el_hub_se_rellena_con_replay(entorno: Entorno) -> None:
    entorno.hub.espera_hueco_s = 0.05

    async def caso() -> None:
        async with connect(entorno.url()) as ws:
            assert (await leer(ws))["seq"] == 0
            uno = entorno.almacen.llamar(entorno.almacen.turno())
            perdido = entorno.almacen.llamar(entorno.almacen.turno())
            tres = entorno.almacen.llamar(entorno.almacen.turno())
            entorno.publicar(uno)
            entorno.publicar(tres)  # el 2 nunca llega al hub (p. ej. hilo que murió)
            assert [(await leer(ws))["seq"] for _ in range(3)] == [1, 2, 3]
            assert perdido["seq"] == 2

    asyncio.run(caso())


@pytest.mark.parametrize("entorno", [{"latido_s": 0.2}], indirect=True, ids=["latido"])
def test_latido_y_filtro_por_tramites(entorno: Entorno) -> None:
    async def caso() -> None:
        async with connect(entorno.url(tramites="PRED")) as ws:
            snap = await leer(ws)
            assert list(snap["cola"]) == ["PRED"]
            entorno.llamar(tramite="LIC")
            pred = entorno.llamar(tramite="PRED")
            msg = await leer(ws)
            assert msg["seq"] == pred["seq"] and msg["turno"]["tramite"] == "PRED"
            assert list(msg["cola"]) == ["PRED"]
            entorno.llamar(tramite="LIC")
            latido = await leer(ws, latidos=True)
            assert latido == {"tipo": "latido", "seq": 3}  # lo filtrado también avanza el seq

    asyncio.run(caso())


def test_replay_imposible_manda_snapshot(entorno: Entorno) -> None:
    entorno.almacen.limite_replay = 10
    for _ in range(30):
        entorno.almacen.emitir("PRED")

    async def caso() -> None:
        async with connect(entorno.url(desde=2)) as ws:  # faltan 28 > 10
            snap = await leer(ws)
            assert snap["tipo"] == "snapshot" and snap["seq"] == 30
        async with connect(entorno.url(desde=25)) as ws:  # faltan 5: replay
            assert [(await leer(ws))["seq"] for _ in range(5)] == [26, 27, 28, 29, 30]
        async with connect(entorno.url(desde=99)) as ws:  # de otra base de datos
            assert (await leer(ws))["tipo"] == "snapshot"

    asyncio.run(caso())


def _cliente_atascado(puerto: int) -> socket.socket:
    """Handshake websocket a mano y después nunca lee (pantalla colgada)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", puerto))
    clave = base64.b64encode(os.urandom(16)).decode()
    s.sendall(
        f"GET /ws/pantalla/demo?token={TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:{puerto}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {clave}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    return s


@pytest.mark.parametrize(
    "entorno", [{"timeout_envio_s": 0.5, "maximo_cola": 10_000}], indirect=True, ids=["t0.5"]
)
def test_cliente_atascado_no_retrasa_a_los_demas(entorno: Entorno) -> None:
    total, relleno = 300, "x" * 30_000  # ~9 MB: llena los búferes del socket atascado
    atascado = _cliente_atascado(entorno.servidor.puerto)

    def rafaga() -> None:
        for _ in range(total):
            entorno.llamar(relleno=relleno, t=time.monotonic())
            time.sleep(0.004)

    async def pantalla() -> list[float]:
        retrasos: list[float] = []
        async with connect(entorno.url(), max_size=2**20) as ws:
            await leer(ws)
            while len(retrasos) < total:
                msg = await leer(ws, timeout=5)
                retrasos.append(time.monotonic() - msg["t"])
        return retrasos

    async def caso() -> None:
        tareas = [asyncio.create_task(pantalla()) for _ in range(3)]
        while entorno.hub.suscriptores("demo") < 4:
            await asyncio.sleep(0.01)
        hilo = threading.Thread(target=rafaga)
        hilo.start()
        resultados = await asyncio.wait_for(asyncio.gather(*tareas), 60)
        hilo.join()
        peor = max(max(r) for r in resultados)
        assert peor < entorno.opciones["timeout_envio_s"] + 0.5, f"retraso máximo {peor:.3f}s"
        async with asyncio.timeout(5):
            while "lento" not in entorno.motivos:  # al atascado se le cortó
                await asyncio.sleep(0.05)

    try:
        asyncio.run(caso())
    finally:
        atascado.close()

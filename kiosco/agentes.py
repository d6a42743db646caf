"""Lado servidor del agente del kiosco: `/ws/agente` y el registro de agentes conectados.

Protocolo (JSON por mensaje):

    servidor -> agente  {"tipo": "hola", "dispositivo": N, "centro": C}
                        {"tipo": "trabajo", "id": 7, "clave": "…", "folio": "L-003", "datos": b64}
                        {"tipo": "confirmado", "id": 7}
    agente -> servidor  {"tipo": "estado", "impresora": {en_linea, papel, tapa_abierta, …}}
                        {"tipo": "resultado", "id": 7, "clave": "…", "impreso": true|false,
                         "motivo": "…", "intentos": 1, "impresora": {…}}

Entrega: al conectar se envían los pendientes vigentes del agente y luego cada trabajo nuevo
(se despierta al crearlo; además revisa la base cada `REVISION_S` por si lo creó otro proceso).
En una conexión, cada trabajo sale una vez; si la conexión se cae antes del resultado, se
reenvía en la siguiente y el agente, que anota la `clave` de lo que ya imprimió, solo confirma.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from kiosco import trabajos
from turnos.kit import actor, registrar_conexion
from turnos.permisos import TipoDispositivo
from turnos.tiempo import a_ms

log = logging.getLogger(__name__)

REVISION_S = 2.0
CIERRE_REEMPLAZADO = 4000  # otra conexión del mismo agente tomó su lugar


@dataclass(eq=False)
class SesionAgente:
    centro_id: int
    nombre: str
    ws: WebSocket
    despertar: asyncio.Event = field(default_factory=asyncio.Event)
    enviados: set[int] = field(default_factory=set)
    impresora: dict[str, Any] | None = None  # último estado reportado
    conectado_ms: int = 0


class RegistroAgentes:
    def __init__(self) -> None:
        self._sesiones: dict[tuple[int, str], SesionAgente] = {}

    def conectado(self, centro_id: int, nombre: str) -> bool:
        return (centro_id, nombre) in self._sesiones

    def notificar(self, centro_id: int, nombre: str) -> None:
        sesion = self._sesiones.get((centro_id, nombre))
        if sesion is not None:
            sesion.despertar.set()

    def registrar(self, sesion: SesionAgente) -> SesionAgente | None:
        clave = (sesion.centro_id, sesion.nombre)
        anterior = self._sesiones.get(clave)
        self._sesiones[clave] = sesion
        return anterior

    def quitar(self, sesion: SesionAgente) -> None:
        clave = (sesion.centro_id, sesion.nombre)
        if self._sesiones.get(clave) is sesion:
            del self._sesiones[clave]

    def de_centro(self, centro_id: int) -> list[dict[str, Any]]:
        return [
            {"dispositivo": s.nombre, "conectado": True, "impresora": s.impresora}
            for (c, _), s in sorted(self._sesiones.items())
            if c == centro_id
        ]

    async def cerrar_todas(self) -> None:
        for sesion in list(self._sesiones.values()):
            with contextlib.suppress(Exception):
                await sesion.ws.close(1001)
        self._sesiones.clear()


def _estado_impresora(valor: Any) -> dict[str, Any] | None:
    if not isinstance(valor, dict):
        return None
    permitidos = ("en_linea", "papel", "tapa_abierta", "detalle", "descripcion", "lista")
    return {k: valor[k] for k in permitidos if k in valor}


async def _enviar_pendientes(app: Any, sesion: SesionAgente) -> None:
    alm = app.state.alm
    ahora_ms = a_ms(app.state.reloj())
    pendientes = await run_in_threadpool(
        trabajos.pendientes_agente, alm, sesion.centro_id, sesion.nombre, ahora_ms
    )
    for t in pendientes:
        if t["id"] in sesion.enviados:
            continue
        sesion.enviados.add(t["id"])
        mensaje = {
            "tipo": "trabajo",
            "id": t["id"],
            "clave": t["clave"],
            "folio": t["folio"],
            "datos": base64.b64encode(bytes(t["datos"])).decode("ascii"),
        }
        async with asyncio.timeout(10):
            await sesion.ws.send_text(json.dumps(mensaje))


async def _repartir(app: Any, sesion: SesionAgente) -> None:
    while True:
        sesion.despertar.clear()
        await _enviar_pendientes(app, sesion)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(REVISION_S):
                await sesion.despertar.wait()


async def _resultado(app: Any, sesion: SesionAgente, msg: dict[str, Any]) -> None:
    trabajo_id = _entero(msg.get("id"))
    if trabajo_id is None:
        return
    alm = app.state.alm
    fila = await run_in_threadpool(_fila, alm, trabajo_id)
    # Solo sus propios trabajos: un agente no puede cerrar los de otro kiosco.
    if (
        fila is None
        or fila.impresora != trabajos.url_agente(sesion.nombre)
        or (fila.centro_id != sesion.centro_id)
    ):
        return
    sesion.impresora = _estado_impresora(msg.get("impresora")) or sesion.impresora
    impreso = msg.get("impreso") is True
    motivo = str(msg.get("motivo") or ("" if impreso else "El agente no pudo imprimir"))
    intentos = _entero(msg.get("intentos"))
    if intentos is None:
        intentos = 1
    await run_in_threadpool(
        trabajos.terminar, alm, trabajo_id, impreso, intentos, motivo, a_ms(app.state.reloj())
    )
    sesion.enviados.discard(trabajo_id)
    app.state.kiosco.avisar(trabajo_id)
    async with asyncio.timeout(10):
        await sesion.ws.send_text(json.dumps({"tipo": "confirmado", "id": trabajo_id}))


_INT4 = 2**31 - 1  # id e intentos son INTEGER en PostgreSQL


def _entero(valor: Any) -> int | None:
    """Un entero del agente que cabe en la columna; `true` (un bool es int) y el resto no cuentan:
    si llegaran al UPDATE, la BD lo rechazaría y se caería la sesión del agente."""
    return valor if type(valor) is int and 0 <= valor <= _INT4 else None


def _fila(alm: Any, trabajo_id: int) -> Any:
    with alm.lectura() as conn:
        return trabajos.uno(conn, trabajo_id)


async def _escuchar(app: Any, sesion: SesionAgente) -> None:
    while True:
        try:
            msg = json.loads(await sesion.ws.receive_text())
        except (ValueError, TypeError):
            continue
        if not isinstance(msg, dict):
            continue
        if msg.get("tipo") == "resultado":
            await _resultado(app, sesion, msg)
        elif msg.get("tipo") == "estado":
            sesion.impresora = _estado_impresora(msg.get("impresora"))


async def ws_agente(websocket: WebSocket) -> None:
    quien = await actor(websocket, permitir_query=True)
    if quien is None or quien.tipo != "dispositivo" or quien.rol != TipoDispositivo.KIOSCO:
        await websocket.close(code=4401)  # antes de aceptar: el cliente ve 403
        return
    app = websocket.app
    registro: RegistroAgentes = app.state.kiosco.agentes
    await websocket.accept()
    registrar_conexion(websocket)  # revocar el token del kiosco la cierra
    sesion = SesionAgente(
        centro_id=int(quien.centro_id or 0),
        nombre=quien.nombre,
        ws=websocket,
        conectado_ms=a_ms(app.state.reloj()),
    )
    anterior = registro.registrar(sesion)
    if anterior is not None:
        with contextlib.suppress(Exception):
            await anterior.ws.close(CIERRE_REEMPLAZADO)
    log.info("agente %s conectado", sesion.nombre)
    tareas: list[asyncio.Task[None]] = []
    try:
        await websocket.send_text(
            json.dumps({"tipo": "hola", "dispositivo": sesion.nombre, "centro": sesion.centro_id})
        )
        tareas = [
            asyncio.create_task(_escuchar(app, sesion)),
            asyncio.create_task(_repartir(app, sesion)),
        ]
        hecho, _ = await asyncio.wait(tareas, return_when=asyncio.FIRST_COMPLETED)
        for tarea in hecho:
            exc = tarea.exception()
            if exc is not None and not isinstance(
                exc, WebSocketDisconnect | OSError | RuntimeError
            ):
                log.warning("agente %s: %r", sesion.nombre, exc)
    except (WebSocketDisconnect, OSError, RuntimeError, TimeoutError):
        pass
    finally:
        for tarea in tareas:
            tarea.cancel()
        await asyncio.gather(*tareas, return_exceptions=True)
        registro.quitar(sesion)
        log.info("agente %s desconectado", sesion.nombre)

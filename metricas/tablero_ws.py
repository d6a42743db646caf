"""Websocket del tablero: estado completo al conectar y otro después de cada tanda de eventos.

A diferencia de la pantalla (que reenvía los eventos públicos tal cual con `pantalla.ws.servir`),
el tablero muestra cifras derivadas (promedios, nivel de servicio, alertas) que solo el servidor
calcula: cada tanda de eventos del hub dispara un recálculo en un hilo, y se envía el estado
nuevo con los eventos de la tanda (para la bitácora visible). Las tandas se juntan durante
`JUNTAR_S`, así una ráfaga de llamados cuesta un recálculo. Cada `REFRESCO_S` sin eventos se
reenvía el estado (las esperas crecen aunque nadie actúe): es el servidor quien empuja.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from metricas.tablero import movimiento
from turnos.eventos.hub import Hub
from turnos.eventos.websocket import leer_hasta_cerrar

log = logging.getLogger(__name__)

JUNTAR_S = 0.25
REFRESCO_S = 20.0
TIMEOUT_ENVIO_S = 5.0
MAX_EVENTOS_ENVIADOS = 20


def linea_bitacora(
    evento: dict[str, Any], zona: str = "UTC", tramites: dict[str, str] | None = None
) -> dict[str, str] | None:
    """Renglón en español de un evento público (hora local del centro), o None si no se muestra."""
    return movimiento(evento, zona, tramites)


_esperar_cierre = leer_hasta_cerrar  # del núcleo: igual para todo websocket de eventos


async def servir_tablero(
    websocket: WebSocket,
    hub: Hub,
    centro: str,
    calcular: Callable[[], dict[str, Any]],
    refresco_s: float = REFRESCO_S,
) -> str:
    """Atiende un websocket ya aceptado y autorizado. `calcular` corre en un hilo."""
    sus = hub.suscribir(centro, maximo=4096)  # primero suscribirse: nada se pierde
    lector = asyncio.create_task(_esperar_cierre(websocket, sus))
    motivo = "desconectado"
    try:
        estado = await run_in_threadpool(calcular)
        hub.conocer_seq(centro, int(estado.get("seq", 0)))
        await _enviar(websocket, {**estado, "eventos": []})
        while True:
            try:
                evento = await asyncio.wait_for(sus.recibir(), refresco_s)
            except TimeoutError:
                evento = {}
            if evento is None:
                motivo = "desbordado" if sus.desbordada else "desconectado"
                break
            tanda = [evento] if evento else []
            if evento:
                await asyncio.sleep(JUNTAR_S)
                while sus.pendientes():
                    siguiente = await sus.recibir()
                    if siguiente is None:
                        break
                    tanda.append(siguiente)
            estado = await run_in_threadpool(calcular)
            zona = str((estado.get("centro") or {}).get("zona") or "UTC")
            nombres = estado.get("tramites_nombres") or {}
            lineas = (linea_bitacora(e, zona, nombres) for e in tanda if "seq" in e)
            eventos = [x for x in lineas if x][-MAX_EVENTOS_ENVIADOS:]
            await _enviar(websocket, {**estado, "eventos": eventos})
    except (WebSocketDisconnect, OSError, RuntimeError, TimeoutError):
        motivo = "desconectado"
    finally:
        sus.cerrar()
        lector.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await lector
    if motivo == "desbordado":
        with contextlib.suppress(Exception):
            await asyncio.wait_for(websocket.close(1013), TIMEOUT_ENVIO_S)
    return motivo


async def _enviar(websocket: WebSocket, datos: dict[str, Any]) -> None:
    texto = json.dumps(datos, ensure_ascii=False, separators=(",", ":"))
    await asyncio.wait_for(websocket.send_text(texto), TIMEOUT_ENVIO_S)

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

from pantalla.hub import Hub, Suscripcion

log = logging.getLogger(__name__)

JUNTAR_S = 0.25
REFRESCO_S = 20.0
TIMEOUT_ENVIO_S = 5.0
MAX_EVENTOS_ENVIADOS = 20
_TIPOS_BITACORA = {
    "turno_llamado": "llamado",
    "turno_rellamado": "llamado de nuevo",
    "turno_iniciado": "en atención",
    "turno_finalizado": "atendido",
    "turno_ausente": "ausente",
    "turno_transferido": "transferido",
    "turno_cancelado": "cancelado",
    "turno_expirado": "expirado",
    "turno_emitido": "emitido",
    "ventanilla_abierta": "ventanilla abierta",
    "ventanilla_pausada": "ventanilla en pausa",
    "ventanilla_cerrada": "ventanilla cerrada",
    "cierre_dia": "cierre del día",
    "impresion_fallida": "impresión fallida",
}


def linea_bitacora(evento: dict[str, Any]) -> dict[str, str]:
    """Texto corto de un evento público para la bitácora visible del tablero."""
    partes = [(evento.get("ts") or "")[11:19]]
    turno = evento.get("turno") or {}
    if turno.get("folio"):
        partes.append(turno["folio"])
    partes.append(_TIPOS_BITACORA.get(str(evento.get("tipo")), str(evento.get("tipo"))))
    ventanilla = evento.get("ventanilla") or {}
    if ventanilla.get("nombre"):
        partes.append(f"· {ventanilla['nombre']}")
    nivel = "critico" if evento.get("tipo") == "impresion_fallida" else "info"
    return {"texto": " ".join(p for p in partes if p), "nivel": nivel}


async def _esperar_cierre(websocket: WebSocket, sus: Suscripcion) -> None:
    try:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        sus.cerrar()


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
            eventos = [linea_bitacora(e) for e in tanda if "seq" in e][-MAX_EVENTOS_ENVIADOS:]
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

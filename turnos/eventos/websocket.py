"""Lo que comparten los websockets que sirven eventos (pantalla, tablero, ticket móvil…)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from turnos.eventos.hub import Suscripcion

log = logging.getLogger(__name__)


MAX_MENSAJE = 2048  # lo que manda un cliente (p. ej. el estado de sonido de una pantalla)
AlMensaje = Callable[[dict[str, Any]], Awaitable[None]]


async def leer_hasta_cerrar(
    websocket: WebSocket, sus: Suscripcion, al_mensaje: AlMensaje | None = None
) -> None:
    """Lee hasta la desconexión; los objetos JSON pequeños van a ``al_mensaje`` (si hay) y lo
    demás se ignora.

    Cerrar la suscripción despierta al bucle de envío, que así termina.
    """
    try:
        while (mensaje := await websocket.receive())["type"] != "websocket.disconnect":
            texto = mensaje.get("text")
            if al_mensaje is None or not texto or len(texto) > MAX_MENSAJE:
                continue
            try:
                datos = json.loads(texto)
                if isinstance(datos, dict):
                    await al_mensaje(datos)
            except Exception:  # un mensaje raro o una falla al guardarlo no corta la conexión
                log.warning("mensaje de cliente de %s no procesado", sus.centro, exc_info=True)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        sus.cerrar()

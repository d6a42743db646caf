"""Lo que comparten los websockets que sirven eventos (pantalla, tablero, ticket móvil…)."""

from __future__ import annotations

from starlette.websockets import WebSocket, WebSocketDisconnect

from turnos.eventos.hub import Suscripcion


async def leer_hasta_cerrar(websocket: WebSocket, sus: Suscripcion) -> None:
    """Los mensajes del cliente se ignoran; solo interesa enterarse de la desconexión.

    Cerrar la suscripción despierta al bucle de envío, que así termina.
    """
    try:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        sus.cerrar()

"""Sesión websocket de una pantalla (o de cualquier consumidor de eventos públicos).

Orden: suscribirse PRIMERO, luego snapshot (o replay si el cliente trae ``desde``), luego los
eventos en vivo con ``seq`` mayor al último enviado. Suscribirse antes de leer el snapshot
garantiza que nada confirmado entre ambos pasos se pierda; el ``seq`` descarta lo repetido.
Si llega un salto de ``seq`` (un evento que el hub dio por perdido), se rellena con replay.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from pantalla.filtros import filtrar_snapshot, filtro_tramites, leer_tramites
from turnos.eventos.hub import Hub, Suscripcion
from turnos.eventos.websocket import AlMensaje, leer_hasta_cerrar

log = logging.getLogger(__name__)

Evento = dict[str, Any]
Snapshot = Callable[[str], Awaitable[Evento]]
Replay = Callable[[str, int], Awaitable[list[Evento] | None]]

CIERRE_DESBORDE = 1013  # "try again later": el cliente se reconecta con ``desde``


# Marca interna que el vigía mete en la cola cuando toca un latido.
_LATIDO: Evento = {"tipo": "latido"}
# Marca que mete ``extra`` cuando tiene listo un mensaje adicional nuevo.
_EXTRA: Evento = {"tipo": "extra"}
# (seq, despertar) -> mensaje adicional ya listo (o None); ver ``servir``.
Extra = Callable[[int, Callable[[], None]], str | None]


# Un mismo evento sin filtrar se serializa una vez para todas las pantallas.
_textos: OrderedDict[int, tuple[Evento, str]] = OrderedDict()
_MAX_TEXTOS = 256


def _a_texto(evento: Evento, cacheable: bool) -> str:
    if not cacheable:
        return json.dumps(evento, ensure_ascii=False, separators=(",", ":"))
    clave = id(evento)
    guardado = _textos.get(clave)
    if guardado is not None and guardado[0] is evento:
        return guardado[1]
    texto = json.dumps(evento, ensure_ascii=False, separators=(",", ":"))
    _textos[clave] = (evento, texto)  # guardar el evento mantiene válido su id()
    if len(_textos) > _MAX_TEXTOS:
        _textos.popitem(last=False)
    return texto


def parametros(websocket: WebSocket) -> tuple[frozenset[str] | None, int | None]:
    """Lee ``?tramites=A,B`` y ``?desde=N`` de la URL; valores inválidos se ignoran."""
    filtro = leer_tramites(websocket.query_params.get("tramites"))
    crudo = websocket.query_params.get("desde")
    desde = int(crudo) if crudo and crudo.isdigit() else None
    return filtro, desde


class _Sesion:
    """Estado de una conexión.

    Un «vigía» por conexión (un temporizador, no una tarea) corta el envío atascado y pide
    latidos. Así cada evento no paga dos ``asyncio.timeout`` por pantalla, que con cientos de
    pantallas era un tercio del costo del reparto.
    """

    def __init__(
        self,
        websocket: WebSocket,
        hub: Hub,
        centro: str,
        snapshot: Snapshot,
        replay: Replay,
        filtro: Iterable[str] | None,
        timeout_envio_s: float,
        latido_s: float,
        maximo_replay: int,
    ) -> None:
        self.ws = websocket
        self.hub = hub
        self.centro = centro
        self.snapshot = snapshot
        self.replay = replay
        self.claves = frozenset(filtro) if filtro is not None else None
        self.filtrar = filtro_tramites(self.claves) if self.claves is not None else None
        self.timeout_envio_s = timeout_envio_s
        self.latido_s = latido_s
        self.maximo_replay = maximo_replay
        self.ultimo = 0
        self.loop = asyncio.get_running_loop()
        self.enviando_desde: float | None = None
        self.ultima_actividad = self.loop.time()
        self.latido_pendiente = False
        self.lento = False
        self._vigia: asyncio.TimerHandle | None = None

    def armar_vigia(self, tarea: asyncio.Task[Any], sus: Suscripcion) -> None:
        paso = max(0.02, min(self.latido_s, self.timeout_envio_s) / 2)

        def vigilar() -> None:
            ahora = self.loop.time()
            if (
                self.enviando_desde is not None
                and ahora - self.enviando_desde > self.timeout_envio_s
            ):
                self.lento = True
                tarea.cancel()  # el envío atascado recibe CancelledError
                return
            if not self.latido_pendiente and ahora - self.ultima_actividad >= self.latido_s:
                self.latido_pendiente = True
                sus.senalar(_LATIDO)
            self._vigia = self.loop.call_later(paso, vigilar)

        self._vigia = self.loop.call_later(paso, vigilar)

    def desarmar_vigia(self) -> None:
        if self._vigia is not None:
            self._vigia.cancel()

    async def enviar_texto(self, texto: str) -> None:
        self.enviando_desde = self.ultima_actividad = self.loop.time()
        await self.ws.send_text(texto)
        self.enviando_desde = None

    async def enviar_evento(self, evento: Evento) -> None:
        self.ultimo = max(self.ultimo, int(evento["seq"]))
        if self.filtrar is None:
            await self.enviar_texto(_a_texto(evento, cacheable=True))
            return
        recortado = self.filtrar(evento)
        if recortado is not None:  # lo filtrado solo avanza ``ultimo`` (va en el latido)
            await self.enviar_texto(_a_texto(recortado, cacheable=False))

    async def sincronizar(self, desde: int | None) -> None:
        """Replay desde ``desde`` si alcanza y es contiguo; si no, snapshot completo."""
        if desde is not None and await self._replay(desde):
            return
        snap = await self.snapshot(self.centro)
        self.hub.conocer_seq(self.centro, int(snap["seq"]))
        if self.claves is not None:
            snap = filtrar_snapshot(snap, self.claves)
        self.ultimo = int(snap["seq"])
        await self.enviar_texto(_a_texto(snap, cacheable=False))

    async def _replay(self, desde: int) -> bool:
        conocido = self.hub.ultimo_seq(self.centro)
        if conocido is not None and desde > conocido:
            return False  # el cliente viene "del futuro" (otra base de datos): snapshot
        eventos = await self.replay(self.centro, desde)
        if eventos is None or len(eventos) > self.maximo_replay:
            return False
        eventos = [e for e in eventos if int(e["seq"]) > desde]
        if eventos and int(eventos[0]["seq"]) != desde + 1:
            return False  # el registro ya no tiene lo que falta
        self.ultimo = max(self.ultimo, desde)
        for evento in eventos:
            await self.enviar_evento(evento)
        return True


_leer_hasta_cierre = leer_hasta_cerrar  # del núcleo: igual para todo websocket de eventos


async def servir(
    websocket: WebSocket,
    hub: Hub,
    centro: str,
    snapshot: Snapshot,
    replay: Replay,
    filtro: Iterable[str] | None = None,
    desde: int | None = None,
    latido_s: float = 15.0,
    timeout_envio_s: float = 2.0,
    maximo_replay: int = 1000,
    maximo_cola: int = 256,
    al_mensaje: AlMensaje | None = None,
    extra: Extra | None = None,
) -> str:
    """Atiende un websocket ya aceptado y autenticado hasta que termine.

    ``filtro``: claves de trámite (``?tramites=``) o ``None``. ``replay`` devuelve los
    eventos con ``seq > desde`` en orden, o ``None`` si no puede (demasiado viejo o ``desde``
    inexistente): entonces se manda un snapshot. Un envío que tarda más de
    ``timeout_envio_s`` (más medio paso del vigía) corta la conexión. Devuelve el motivo:
    ``desconectado``, ``desbordado`` o ``lento``. ``al_mensaje`` recibe lo que el cliente
    manda (p. ej. el estado de voz y audio de la pantalla). ``extra(seq, despertar)`` da un
    mensaje más (p. ej. las esperas por trámite) sin esperar: lo que tenga ya (o None); si prepara
    uno nuevo, llama ``despertar()`` al tenerlo. Se manda tras sincronizar, tras cada evento o
    latido y al despertar, si cambió desde el último enviado.
    """
    tarea = asyncio.current_task()
    assert tarea is not None
    sus = hub.suscribir(centro, maximo=maximo_cola)
    sesion = _Sesion(
        websocket, hub, centro, snapshot, replay, filtro, timeout_envio_s, latido_s, maximo_replay
    )
    lector = asyncio.create_task(_leer_hasta_cierre(websocket, sus, al_mensaje))
    sesion.armar_vigia(tarea, sus)
    enviado_extra: str | None = None

    def despertar() -> None:
        sus.senalar(_EXTRA)

    async def mandar_extra() -> None:
        nonlocal enviado_extra
        if extra is None:
            return
        try:
            texto = extra(sesion.ultimo, despertar)
        except Exception:  # un dato accesorio no tumba la pantalla: se reintenta en el próximo
            log.exception("no se pudo preparar el mensaje adicional de %s", centro)
            return
        if texto is not None and texto != enviado_extra:
            enviado_extra = texto
            await sesion.enviar_texto(texto)

    try:
        await sesion.sincronizar(desde)
        await mandar_extra()
        while (evento := await sus.recibir()) is not None:
            if evento is _EXTRA:
                await mandar_extra()
                continue
            if evento is _LATIDO:
                sesion.latido_pendiente = False
                await sesion.enviar_texto(json.dumps({"tipo": "latido", "seq": sesion.ultimo}))
                await mandar_extra()
                continue
            seq = int(evento["seq"])
            if seq <= sesion.ultimo:
                continue
            if seq > sesion.ultimo + 1:
                await sesion.sincronizar(sesion.ultimo)  # rellena el hueco (incluye este)
            else:
                await sesion.enviar_evento(evento)
            await mandar_extra()
        motivo = "desbordado" if sus.desbordada else "desconectado"
    except asyncio.CancelledError:
        if not sesion.lento:
            raise  # apagado del servidor: que siga su curso
        tarea.uncancel()
        motivo = "lento"
        log.info("pantalla de %s sin leer por %.1fs: se corta", centro, timeout_envio_s)
    except (WebSocketDisconnect, OSError, RuntimeError):
        motivo = "desconectado"
    finally:
        sesion.desarmar_vigia()
        cliente_se_fue = lector.done()
        lector.cancel()
        sus.cerrar()
    if motivo in ("desbordado", "lento") and not cliente_se_fue:
        await _cerrar(websocket, CIERRE_DESBORDE, timeout_envio_s)
    return motivo


async def _cerrar(websocket: WebSocket, codigo: int, timeout_s: float) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            await websocket.close(codigo)
    except (TimeoutError, WebSocketDisconnect, OSError, RuntimeError):
        pass  # el servidor suelta el socket al terminar la tarea

"""Puente entre procesos con PostgreSQL ``LISTEN/NOTIFY``.

El núcleo ejecuta ``notificar_varios_sql(eventos)`` (``turnos.eventos.notificar``) justo DESPUÉS
del COMMIT del cambio, en una transacción propia: nada sale si hubo rollback, y avisos de dos
procesos pueden llegar en desorden (el hub ordena por ``seq``). Cada proceso (incluido el que
emitió) recibe los eventos solo por ``LISTEN``, así nadie los ve dos veces.

NOTIFY no tiene replay: al (re)conectar, y cada ``sondeo_s`` (``TURNOS_PG_CONCILIAR_S``), el
puente pide al núcleo lo que falte desde el último ``seq`` que el hub local entregó por centro
(un proceso que muere entre el COMMIT y su NOTIFY deja un evento sin aviso). El hub descarta los
repetidos por ``seq``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable

import psycopg
from psycopg import sql

from turnos.eventos.hub import Hub
from turnos.eventos.notificar import CANAL, MAXIMO_CARGA, Evento, carga, notificar_sql

log = logging.getLogger(__name__)

Replay = Callable[[str, int], Awaitable[list[Evento] | None]]

__all__ = ["CANAL", "MAXIMO_CARGA", "PuentePostgres", "carga", "notificar_sql"]


class PuentePostgres:
    """Escucha ``canal`` en su propia conexión autocommit y publica en el hub local."""

    def __init__(
        self,
        dsn: str,
        hub: Hub,
        replay: Replay | None = None,
        canal: str = CANAL,
        espera_max_s: float = 10.0,
        sondeo_s: float = 15.0,
    ) -> None:
        self.dsn = dsn
        self.hub = hub
        self.replay = replay
        self.canal = canal
        self.espera_max_s = espera_max_s
        # cada cuánto se comprueba que la conexión sigue viva y se concilia con la bitácora
        self.sondeo_s = sondeo_s
        self.conectado = asyncio.Event()
        self.conexiones = 0
        self._tarea: asyncio.Task[None] | None = None
        self.pid_backend: int | None = None

    async def iniciar(self, esperar_s: float = 20.0) -> None:
        """Arranca la escucha y espera (a lo sumo ``esperar_s``) el primer ``LISTEN``: servir antes
        de escuchar dejaría a las pantallas sin los eventos de esos segundos (con la máquina
        cargada, conectar tardó más de 5 s)."""
        self._tarea = asyncio.create_task(self._correr(), name="pg_puente")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(esperar_s):
                await self.conectado.wait()

    async def detener(self) -> None:
        if self._tarea is not None:
            self._tarea.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tarea
            self._tarea = None
        self.conectado.clear()

    async def _correr(self) -> None:
        espera = 0.2
        while True:
            antes = self.conexiones
            try:
                await self._escuchar()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # red, reinicio del servidor, backend terminado…
                if self.conexiones > antes:
                    espera = 0.2  # estuvo arriba: el primer reintento va rápido
                log.warning("puente PostgreSQL caído (%s); reintento en %.1fs", exc, espera)
            self.conectado.clear()
            await asyncio.sleep(espera)
            espera = min(espera * 2, self.espera_max_s)

    async def _escuchar(self) -> None:
        conn = await psycopg.AsyncConnection.connect(self.dsn, autocommit=True)
        async with conn:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.canal)))
            self.pid_backend = conn.info.backend_pid
            self.conexiones += 1
            # Lo confirmado mientras no escuchábamos solo se recupera con replay.
            await self._recuperar()
            self.conectado.set()
            while True:
                async for aviso in conn.notifies(timeout=self.sondeo_s):
                    await self._recibir(aviso.payload)
                await conn.execute("SELECT 1")
                # Conciliar: un aviso perdido (el proceso que confirmó murió antes de su NOTIFY)
                # solo se vería con el siguiente evento del centro, que puede tardar horas.
                await self._recuperar()

    async def _recuperar(self) -> None:
        if self.replay is None:
            return
        for centro in self.hub.centros():
            desde = self.hub.ultimo_seq(centro)
            if desde is None:
                continue
            try:
                eventos = await self.replay(centro, desde)
            except Exception:
                log.exception("replay de %s desde %d falló", centro, desde)
                continue
            for evento in eventos or []:
                await self.hub.publicar(centro, evento)

    async def _recibir(self, texto: str) -> None:
        try:
            mensaje = json.loads(texto)
            centro = mensaje["centro"]
            seq = int(mensaje["seq"])
        except (ValueError, KeyError, TypeError):
            log.warning("aviso ilegible en %s: %.80s", self.canal, texto)
            return
        if mensaje.get("ref"):
            mensaje = await self._resolver(centro, seq)
            if mensaje is None:
                return
        await self.hub.publicar(centro, mensaje)

    async def _resolver(self, centro: str, seq: int) -> Evento | None:
        if self.replay is None:
            log.warning("evento %s/%d demasiado grande y sin replay: se omite", centro, seq)
            return None
        for evento in await self.replay(centro, seq - 1) or []:
            if int(evento["seq"]) == seq:
                return evento
        return None

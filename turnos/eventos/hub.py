"""Difusión en proceso de eventos públicos, por centro, en orden de ``seq``.

El núcleo confirma cada cambio junto con su evento (``seq`` 1, 2, 3… por centro) y después
entrega el evento público aquí. Varios hilos pueden confirmar casi a la vez y llegar en
desorden: un búfer pequeño retiene un hueco hasta ``espera_hueco_s`` y luego lo suelta, para
no congelar las pantallas si un evento no llega nunca.

Cada suscripción tiene una cola acotada; si se llena (cliente lento o muerto) se marca como
desbordada y se cierra, así el cliente se reconecta y se resincroniza sin frenar a los demás.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

Evento = dict[str, Any]
Filtro = Callable[[Evento], bool]

# Seqs soltados por un hueco que aún pueden llegar tarde; se recuerdan los últimos N.
_MAX_SALTADOS = 1024


class Suscripcion:
    """Cola acotada de eventos de un centro para un consumidor."""

    def __init__(self, centro: str, filtro: Filtro | None, maximo: int) -> None:
        self.centro = centro
        self.filtro = filtro
        self.maximo = maximo
        self.cerrada = False
        self.desbordada = False
        self._cola: deque[Evento] = deque()
        self._espera: asyncio.Future[None] | None = None
        self._al_cerrar: Callable[[Suscripcion], None] | None = None

    def _entregar(self, evento: Evento) -> None:
        if self.cerrada:
            return
        if self.filtro is not None and not self.filtro(evento):
            return
        if len(self._cola) >= self.maximo:
            log.warning(
                "suscripción de %s desbordada (%d eventos); se cierra", self.centro, self.maximo
            )
            self.desbordada = True
            self._cola.clear()
            self.cerrar()
            return
        self._cola.append(evento)
        self._despertar()

    def _despertar(self) -> None:
        if self._espera is not None and not self._espera.done():
            self._espera.set_result(None)

    async def recibir(self) -> Evento | None:
        """Siguiente evento; ``None`` cuando la suscripción está cerrada."""
        while True:
            if self._cola:
                return self._cola.popleft()
            if self.cerrada:
                return None
            self._espera = asyncio.get_running_loop().create_future()
            try:
                await self._espera
            finally:
                self._espera = None

    def senalar(self, marca: Evento) -> None:
        """Mete una marca del consumidor (p. ej. «toca latido») sin filtro ni límite."""
        if not self.cerrada:
            self._cola.append(marca)
            self._despertar()

    def pendientes(self) -> int:
        return len(self._cola)

    def cerrar(self) -> None:
        """Idempotente; despierta a quien espere en ``recibir``."""
        if self.cerrada:
            return
        self.cerrada = True
        if self._al_cerrar is not None:
            self._al_cerrar(self)
        self._despertar()

    def __aiter__(self) -> Suscripcion:
        return self

    async def __anext__(self) -> Evento:
        evento = await self.recibir()
        if evento is None:
            raise StopAsyncIteration
        return evento


@dataclass
class _Canal:
    suscripciones: set[Suscripcion] = field(default_factory=set)
    ultimo: int | None = None  # último seq entregado
    retenidos: dict[int, Evento] = field(default_factory=dict)
    saltados: deque[int] = field(default_factory=lambda: deque(maxlen=_MAX_SALTADOS))
    temporizador: asyncio.TimerHandle | None = None


class Hub:
    """Difusión por centro. Todos los métodos salvo ``publicar_desde_hilo`` van en el loop."""

    def __init__(self, espera_hueco_s: float = 0.2) -> None:
        self.espera_hueco_s = espera_hueco_s
        self._canales: dict[str, _Canal] = {}

    def _canal(self, centro: str) -> _Canal:
        canal = self._canales.get(centro)
        if canal is None:
            canal = self._canales[centro] = _Canal()
        return canal

    # -- suscripción --------------------------------------------------------------------

    def suscribir(
        self, centro: str, filtro: Filtro | None = None, maximo: int = 256
    ) -> Suscripcion:
        sus = Suscripcion(centro, filtro, maximo)
        canal = self._canal(centro)
        canal.suscripciones.add(sus)
        sus._al_cerrar = canal.suscripciones.discard
        return sus

    def suscriptores(self, centro: str) -> int:
        canal = self._canales.get(centro)
        return len(canal.suscripciones) if canal else 0

    def centros(self) -> list[str]:
        return list(self._canales)

    def ultimo_seq(self, centro: str) -> int | None:
        canal = self._canales.get(centro)
        return canal.ultimo if canal else None

    def conocer_seq(self, centro: str, seq: int) -> None:
        """Fija la línea base (p. ej. el seq de un snapshot) si aún no hay una.

        Así el primer evento tras arrancar también se ordena y los duplicados se descartan.
        """
        canal = self._canal(centro)
        if canal.ultimo is None:
            canal.ultimo = seq

    # -- publicación --------------------------------------------------------------------

    async def publicar(self, centro: str, evento: Evento) -> None:
        self.publicar_ya(centro, evento)

    def publicar_desde_hilo(
        self, loop: asyncio.AbstractEventLoop, centro: str, evento: Evento
    ) -> None:
        """Entrada segura desde código síncrono (threadpool) tras confirmar la transacción."""
        try:
            loop.call_soon_threadsafe(self.publicar_ya, centro, evento)
        except RuntimeError:  # loop cerrado: el proceso se está apagando
            log.warning("evento %s de %s sin publicar: loop cerrado", evento.get("seq"), centro)

    def publicar_ya(self, centro: str, evento: Evento) -> None:
        """Versión síncrona de ``publicar`` (debe llamarse desde el hilo del loop)."""
        canal = self._canal(centro)
        seq = int(evento["seq"])
        if canal.ultimo is None:
            canal.ultimo = seq
            self._difundir(canal, evento)
            return
        if seq <= canal.ultimo:
            # Tarde tras soltar su hueco: se entrega (mejor tarde que perdido); si no, duplicado.
            if seq in canal.saltados:
                canal.saltados.remove(seq)
                self._difundir(canal, evento)
            return
        canal.retenidos.setdefault(seq, evento)
        self._drenar(canal)
        if canal.retenidos and canal.temporizador is None:
            loop = asyncio.get_running_loop()
            canal.temporizador = loop.call_later(self.espera_hueco_s, self._vencer, canal)

    def _drenar(self, canal: _Canal) -> None:
        assert canal.ultimo is not None
        while (siguiente := canal.retenidos.pop(canal.ultimo + 1, None)) is not None:
            canal.ultimo += 1
            self._difundir(canal, siguiente)
        if not canal.retenidos and canal.temporizador is not None:
            canal.temporizador.cancel()
            canal.temporizador = None

    def _vencer(self, canal: _Canal) -> None:
        """El hueco no se llenó a tiempo: se suelta todo lo retenido, en orden."""
        canal.temporizador = None
        assert canal.ultimo is not None
        for seq in sorted(canal.retenidos):
            if seq > canal.ultimo + 1:
                log.warning(
                    "hueco en seq %d..%d: se entrega sin esperar más", canal.ultimo + 1, seq - 1
                )
                canal.saltados.extend(range(canal.ultimo + 1, seq))
            canal.ultimo = seq
            self._difundir(canal, canal.retenidos.pop(seq))

    def _difundir(self, canal: _Canal, evento: Evento) -> None:
        # Copia del conjunto: una suscripción desbordada se quita a sí misma al cerrarse.
        for sus in list(canal.suscripciones):
            sus._entregar(evento)

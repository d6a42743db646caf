"""Trabajador de impresión asíncrono: una cola por impresora, reintentos acotados.

El turno ya está confirmado en la base antes de imprimir (no hay turnos fantasma): aquí nada
levanta excepciones hacia quien emitió el turno. Cada trabajo termina `impreso` o `fallido`
con un motivo en español, y `al_terminar(trabajo)` avisa a la aplicación (evento, métrica,
tablero) en ambos casos.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from kiosco.impresoras.base import EstadoImpresora, Impresora, ResultadoImpresion
from kiosco.impresoras.url import impresora_desde_url

log = logging.getLogger(__name__)

EstadoTrabajo = Literal["pendiente", "imprimiendo", "impreso", "fallido"]


@dataclass(eq=False)
class TrabajoImpresion:
    datos: bytes = field(repr=False)
    impresora: str  # URL, para la bitácora
    referencia: str | None = None  # p. ej. id o folio del turno
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    estado: EstadoTrabajo = "pendiente"
    intentos: int = 0
    motivo: str | None = None  # por qué falló, en español
    estado_impresora: EstadoImpresora | None = None  # último estado conocido
    _hecho: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def terminado(self) -> bool:
        return self.estado in ("impreso", "fallido")

    async def esperar(self) -> TrabajoImpresion:
        await self._hecho.wait()
        return self


AlTerminar = Callable[[TrabajoImpresion], Awaitable[None] | None]


class ColaImpresion:
    def __init__(
        self,
        impresora: Impresora,
        *,
        max_intentos: int = 3,
        espera_inicial_s: float = 1.0,
        espera_max_s: float = 30.0,
        capacidad: int = 100,
        al_terminar: AlTerminar | None = None,
    ) -> None:
        if max_intentos < 1:
            raise ValueError("max_intentos debe ser al menos 1")
        self.impresora = impresora
        self.max_intentos = max_intentos
        self.espera_inicial_s = espera_inicial_s
        self.espera_max_s = espera_max_s
        self.al_terminar = al_terminar
        self._cola: asyncio.Queue[TrabajoImpresion] = asyncio.Queue(maxsize=capacidad)
        self._trabajador: asyncio.Task[None] | None = None
        self._tareas: set[asyncio.Task[None]] = set()
        self._cerrada = False

    @property
    def pendientes(self) -> int:
        return self._cola.qsize()

    def espera(self, intento: int) -> float:
        """Pausa tras el intento fallido número `intento` (exponencial, con tope)."""
        return min(self.espera_max_s, self.espera_inicial_s * 2.0 ** (intento - 1))

    def encolar(self, datos: bytes, referencia: str | None = None) -> TrabajoImpresion:
        """Agrega un trabajo y lo devuelve de inmediato. Llamar desde el bucle asyncio."""
        trabajo = TrabajoImpresion(datos=datos, impresora=self.impresora.url, referencia=referencia)
        if self._cerrada:
            self._fallar_luego(trabajo, "La cola de impresión está detenida")
            return trabajo
        try:
            self._cola.put_nowait(trabajo)
        except asyncio.QueueFull:
            self._fallar_luego(trabajo, f"La cola de impresión está llena ({self._cola.maxsize})")
            return trabajo
        if self._trabajador is None or self._trabajador.done():
            self._trabajador = asyncio.get_running_loop().create_task(self._trabajar())
        return trabajo

    def _fallar_luego(self, trabajo: TrabajoImpresion, motivo: str) -> None:
        tarea = asyncio.get_running_loop().create_task(self._terminar(trabajo, "fallido", motivo))
        self._tareas.add(tarea)  # referencia fuerte hasta que termine
        tarea.add_done_callback(self._tareas.discard)

    async def _trabajar(self) -> None:
        while True:
            trabajo = await self._cola.get()
            try:
                await self._procesar(trabajo)
            except asyncio.CancelledError:
                if not trabajo.terminado:
                    await self._terminar(trabajo, "fallido", "Se detuvo el servicio al imprimir")
                raise
            finally:
                self._cola.task_done()

    async def _procesar(self, trabajo: TrabajoImpresion) -> None:
        trabajo.estado = "imprimiendo"
        resultado = ResultadoImpresion.falla("sin intentos")
        for intento in range(1, self.max_intentos + 1):
            trabajo.intentos = intento
            try:
                resultado = await self.impresora.imprimir(trabajo.datos)
            except Exception as exc:  # un adaptador con errores no debe tumbar la cola
                log.exception("adaptador de impresora %s falló", trabajo.impresora)
                resultado = ResultadoImpresion.falla(f"Error inesperado del adaptador: {exc!r}")
            trabajo.estado_impresora = resultado.estado
            if resultado.impreso:
                await self._terminar(trabajo, "impreso", None)
                return
            log.warning("impresión %s intento %d: %s", trabajo.id, intento, resultado.motivo)
            if not resultado.reintentable or intento == self.max_intentos:
                break
            await asyncio.sleep(self.espera(intento))
        motivo = resultado.motivo or "Falla desconocida"
        if trabajo.intentos > 1:
            motivo = f"{motivo} (tras {trabajo.intentos} intentos)"
        await self._terminar(trabajo, "fallido", motivo)

    async def _terminar(
        self, trabajo: TrabajoImpresion, estado: EstadoTrabajo, motivo: str | None
    ) -> None:
        trabajo.estado = estado
        trabajo.motivo = motivo
        trabajo._hecho.set()
        if self.al_terminar is None:
            return
        try:
            retorno = self.al_terminar(trabajo)
            if inspect.isawaitable(retorno):
                await retorno
        except Exception:
            log.exception("al_terminar falló para el trabajo %s", trabajo.id)

    async def detener(self, esperar_s: float = 5.0) -> None:
        """Deja de aceptar trabajos, espera hasta `esperar_s` a los pendientes y falla el resto."""
        self._cerrada = True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(esperar_s):
                await self._cola.join()
        if self._trabajador is not None:
            self._trabajador.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._trabajador
        while not self._cola.empty():
            trabajo = self._cola.get_nowait()
            await self._terminar(trabajo, "fallido", "Se detuvo el servicio antes de imprimir")
        if self._tareas:
            await asyncio.gather(*self._tareas, return_exceptions=True)


class ColasImpresion:
    """Una `ColaImpresion` por URL de impresora, creada al primer uso."""

    def __init__(
        self,
        fabrica: Callable[[str], Impresora] = impresora_desde_url,
        **opciones_cola: object,
    ) -> None:
        self._fabrica = fabrica
        self._opciones = opciones_cola
        self._colas: dict[str, ColaImpresion] = {}
        # Reporta por el mismo gancho los trabajos cuya URL es inválida.
        self._invalidas = ColaImpresion(_SinImpresora(), **opciones_cola)  # type: ignore[arg-type]

    def cola(self, url: str) -> ColaImpresion:
        """Levanta ValueError si la URL es inválida (error de configuración, no de impresión)."""
        if url not in self._colas:
            self._colas[url] = ColaImpresion(self._fabrica(url), **self._opciones)  # type: ignore[arg-type]
        return self._colas[url]

    def encolar(self, url: str, datos: bytes, referencia: str | None = None) -> TrabajoImpresion:
        """Como `ColaImpresion.encolar`; una URL inválida da un trabajo fallido, no excepción."""
        try:
            cola = self.cola(url)
        except ValueError as exc:
            trabajo = TrabajoImpresion(datos=datos, impresora=url, referencia=referencia)
            self._invalidas._fallar_luego(trabajo, str(exc))
            return trabajo
        return cola.encolar(datos, referencia)

    async def detener(self, esperar_s: float = 5.0) -> None:
        colas = [*self._colas.values(), self._invalidas]
        await asyncio.gather(*(c.detener(esperar_s) for c in colas))


class _SinImpresora:
    url = "(URL inválida)"

    async def imprimir(self, datos: bytes) -> ResultadoImpresion:
        return ResultadoImpresion.falla("URL de impresora inválida", reintentable=False)

    async def estado(self) -> EstadoImpresora:
        return EstadoImpresora(en_linea=False, detalle="URL de impresora inválida")

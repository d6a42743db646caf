"""Ciclo de vida de la impresión en el servidor: colas, agentes, barrido de caducados.

`iniciar(app)` / `detener(app)` los llama el lifespan de `crear_app`. El estado vive en
`app.state.kiosco` (un `ServicioKiosco`).

Ruta de cada trabajo (ya guardado en la tabla `impresion`):
- `escpos+net://` y `archivo://`: la `ColaImpresion` de este proceso (una por impresora);
- `agente://NOMBRE` (y los kioscos con `escpos+usb://`): el agente del kiosco por websocket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from firmware_config.perfiles import validar_todos
from kiosco import trabajos
from kiosco.agentes import RegistroAgentes
from kiosco.escpos_render import precargar
from kiosco.impresoras import ColasImpresion, TrabajoImpresion
from turnos.tiempo import a_ms

log = logging.getLogger(__name__)

BARRIDO_S = 5.0
ESPERA_IMPRESION_S = 8.0  # lo que el kiosco muestra «Imprimiendo…» antes de enseñar el ticket


class ServicioKiosco:
    def __init__(self, alm: Any, reloj: Callable[[], Any], **opciones_cola: Any) -> None:
        self.alm = alm
        self.reloj = reloj
        opciones = {"max_intentos": 2, "espera_inicial_s": 0.5, "espera_max_s": 5.0}
        self.colas = ColasImpresion(**{**opciones, **opciones_cola}, al_terminar=self._terminado)
        self.agentes = RegistroAgentes()
        self._avisos: dict[int, asyncio.Event] = {}
        self._barrido: asyncio.Task[None] | None = None

    def ahora_ms(self) -> int:
        return a_ms(self.reloj())

    # -- resultados -----------------------------------------------------------------------

    def avisar(self, trabajo_id: int) -> None:
        evento = self._avisos.get(trabajo_id)
        if evento is not None:
            evento.set()

    async def _terminado(self, trabajo: TrabajoImpresion) -> None:
        if trabajo.referencia is None:
            return
        trabajo_id = int(trabajo.referencia)
        await run_in_threadpool(
            trabajos.terminar,
            self.alm,
            trabajo_id,
            trabajo.estado == "impreso",
            trabajo.intentos,
            trabajo.motivo or "",
            self.ahora_ms(),
        )
        self.avisar(trabajo_id)

    async def esperar(self, trabajo_id: int, limite_s: float) -> tuple[str, str]:
        """(estado, motivo) del trabajo al terminar o al vencer `limite_s`.

        Revisa también la base: el resultado pudo llegar a otro proceso (agente conectado a
        otro worker con PostgreSQL).
        """
        evento = self._avisos.setdefault(trabajo_id, asyncio.Event())
        fin = asyncio.get_running_loop().time() + limite_s
        try:
            while True:
                estado, motivo = await run_in_threadpool(trabajos.estado_de, self.alm, trabajo_id)
                restante = fin - asyncio.get_running_loop().time()
                if estado != "pendiente" or restante <= 0:
                    return estado, motivo
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(min(restante, 0.5)):
                        await evento.wait()
        finally:
            self._avisos.pop(trabajo_id, None)

    # -- despacho -------------------------------------------------------------------------

    def despachar(self, centro_id: int, trabajo_id: int, impresora: str, datos: bytes) -> bool:
        """Manda el trabajo a su impresora. Devuelve si vale la pena esperar el resultado."""
        if impresora.startswith(trabajos.ESQUEMA_AGENTE):
            nombre = impresora.removeprefix(trabajos.ESQUEMA_AGENTE)
            self.agentes.notificar(centro_id, nombre)
            return self.agentes.conectado(centro_id, nombre)
        self.colas.encolar(impresora, datos, referencia=str(trabajo_id))
        return True

    async def _barrer(self) -> None:
        while True:
            await asyncio.sleep(BARRIDO_S)
            try:
                await run_in_threadpool(trabajos.caducar, self.alm, self.ahora_ms())
            except Exception:  # la base puede estar caída un momento; el siguiente barrido sigue
                log.exception("barrido de trabajos de impresión")

    async def arrancar(self) -> None:
        # Trabajos que quedaron en la cola de un proceso anterior (si aún están vigentes). Con
        # PostgreSQL puede haber varios workers arrancando a la vez y reencolar duplicaría
        # tickets: ahí el barrido los marca fallidos, a la vista del tablero.
        if not self.alm.es_pg:
            ahora = self.ahora_ms()
            for t in await run_in_threadpool(trabajos.pendientes_servidor, self.alm, ahora):
                self.colas.encolar(t["impresora"], bytes(t["datos"]), referencia=str(t["id"]))
        self._barrido = asyncio.create_task(self._barrer())

    async def parar(self) -> None:
        if self._barrido is not None:
            self._barrido.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._barrido
        await self.agentes.cerrar_todas()
        await self.colas.detener(esperar_s=3.0)


def servicio(app: Any) -> ServicioKiosco:
    """El servicio de la app; si el lifespan aún no lo creó, se crea (sin barrido)."""
    actual = getattr(app.state, "kiosco", None)
    if actual is None:
        actual = app.state.kiosco = ServicioKiosco(app.state.alm, app.state.reloj)
    return actual


async def iniciar(app: Any) -> None:
    perfiles = validar_todos()  # un perfil roto debe impedir arrancar, con archivo y campo
    precargar(perfiles.impresoras.values())
    srv = servicio(app)
    await srv.arrancar()


async def detener(app: Any) -> None:
    srv = getattr(app.state, "kiosco", None)
    if srv is not None:
        await srv.parar()

"""El contexto tipado del núcleo: lo que rutas y capacidades necesitan de la app.

`crear_app` arma un `Nucleo` y lo guarda en `app.state.nucleo`; se obtiene con
`nucleo(request)` (o con el websocket, o con la app). Los atributos sueltos de `app.state`
(`alm`, `reloj`, `settings`, `plantillas`, `actores`, `hub`) quedan como alias de los mismos
objetos para el código que aún no se mudó; el código nuevo usa `nucleo(...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.templating import Jinja2Templates

from turnos.capacidades import Capacidad
from turnos.db.almacen import Almacen
from turnos.errores import TurnosError
from turnos.eventos.hub import Hub
from turnos.settings import Settings
from turnos.web.auth import CacheActores

Evento = dict[str, Any]


@dataclass(frozen=True)
class Nucleo:
    settings: Settings
    alm: Almacen
    reloj: Callable[[], datetime]
    plantillas: Jinja2Templates
    hub: Hub  # reparto de eventos públicos (ver turnos/eventos)
    actores: CacheActores
    capacidades: tuple[Capacidad, ...]

    def ahora(self) -> datetime:
        return self.reloj()

    async def snapshot(self, centro: str) -> Evento:
        """Estado completo de un centro para quien se conecta (lectura consistente)."""
        from turnos.web.tiempo_real import leer_snapshot

        return await run_in_threadpool(leer_snapshot, self.alm, centro, self.reloj())

    async def replay(self, centro: str, desde: int) -> list[Evento] | None:
        """Eventos públicos con seq > desde (None si son demasiados o el centro no existe)."""
        from turnos.web.tiempo_real import leer_replay

        try:
            return await run_in_threadpool(leer_replay, self.alm, centro, desde)
        except TurnosError:
            return None


def nucleo(origen: HTTPConnection | Starlette) -> Nucleo:
    """El contexto del núcleo a partir de una petición, un websocket o la app."""
    app = origen if isinstance(origen, Starlette) else origen.app
    ctx: Nucleo = app.state.nucleo
    return ctx

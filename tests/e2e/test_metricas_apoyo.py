"""Apoyo (sin pruebas) para las pruebas de métricas: un servidor real con una ruta extra
`/prueba/pid` que dice qué proceso respondió (para comparar /metrics entre procesos)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.servidor import Servidor, servidor


async def _pid(request: Any) -> PlainTextResponse:
    return PlainTextResponse(str(os.getpid()))


def fabrica() -> Starlette:
    """La app real más `/prueba/pid`: en una misma conexión keep-alive dice qué proceso responde."""
    from turnos.web.app import fabrica as nucleo

    app = nucleo()
    app.router.routes.insert(0, Route("/prueba/pid", _pid))
    return app


@contextmanager
def servidor_metricas(db_url: str, workers: int = 1) -> Iterator[Servidor]:
    with servidor(db_url, workers=workers, fabrica="tests.e2e.test_metricas_apoyo:fabrica") as s:
        yield s

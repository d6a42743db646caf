"""Apoyo (sin pruebas): apps con las rutas de métricas mientras el núcleo no las agregue.

`fabrica` sirve para `uvicorn --factory tests.e2e.test_metricas_apoyo:fabrica`; `con_metricas` agrega
las rutas y un hub en proceso (SQLite) a una app ya creada. Si el núcleo ya las trae, no hace
nada: las pruebas ejercitan entonces el cableado definitivo.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from metricas.web import RUTAS
from pantalla.hub import Hub
from tests.servidor import Servidor, puerto_libre


def con_metricas(app: Starlette, loop_de: Any = None) -> Starlette:
    """Agrega RUTAS si faltan; con `loop_de` (callable → loop) cablea un hub en proceso."""
    rutas = {getattr(r, "path", None) for r in app.router.routes}
    if "/metrics" not in rutas:
        app.router.routes[0:0] = RUTAS
    if loop_de is not None and getattr(app.state, "hub", None) is None:
        hub = Hub()
        app.state.hub = hub
        alm = app.state.alm
        anterior = alm.al_confirmar

        def repartir(eventos: list[dict[str, Any]]) -> None:
            if anterior is not None:
                anterior(eventos)
            for e in eventos:
                hub.publicar_desde_hilo(loop_de(), e["centro"], e)

        alm.al_confirmar = repartir
    return app


async def _pid(request: Any) -> PlainTextResponse:
    return PlainTextResponse(str(os.getpid()))


def fabrica() -> Starlette:
    """Con `/prueba/pid`: en una misma conexión keep-alive dice qué proceso responde."""
    from turnos.web.app import fabrica as nucleo

    app = con_metricas(nucleo())
    app.router.routes.insert(0, Route("/prueba/pid", _pid))
    return app


@contextmanager
def servidor_metricas(db_url: str, workers: int = 1) -> Iterator[Servidor]:
    """Como tests.servidor.servidor, pero con la fábrica de arriba."""
    puerto = puerto_libre()
    env = {
        **os.environ,
        "TURNOS_DB": db_url,
        "TURNOS_SECRETO": "secreto-de-prueba",
        "TURNOS_LOG": "WARNING",
    }
    cmd = [
        sys.executable, "-m", "uvicorn", "tests.e2e.test_metricas_apoyo:fabrica", "--factory",
        "--host", "127.0.0.1", "--port", str(puerto), "--workers", str(workers),
        "--log-level", "warning",
    ]  # fmt: skip
    proceso = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{puerto}"
    try:
        limite = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/salud", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proceso.poll() is not None or time.monotonic() > limite:
                raise RuntimeError(f"el servidor no arrancó (código {proceso.returncode})")
            time.sleep(0.1)
        yield Servidor(url, proceso)
    finally:
        proceso.terminate()
        try:
            proceso.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proceso.kill()

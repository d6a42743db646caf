"""Un servidor uvicorn real en un subproceso, sobre una BD sembrada, para pruebas de navegador,
websockets y CLI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


def puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Servidor:
    url: str
    proceso: subprocess.Popen[bytes]


@contextmanager
def servidor(
    db_url: str,
    *,
    workers: int = 1,
    extra_env: dict[str, str] | None = None,
    fabrica: str = "turnos.web.app:fabrica",
) -> Iterator[Servidor]:
    puerto = puerto_libre()
    env = {
        **os.environ,
        "TURNOS_DB": db_url,
        "TURNOS_SECRETO": "secreto-de-prueba",
        "TURNOS_LOG": "WARNING",
        **(extra_env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        fabrica,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(puerto),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    proceso = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{puerto}"
    try:
        esperar_salud(url, proceso)
        yield Servidor(url, proceso)
    finally:
        terminar(proceso)


def esperar_salud(url: str, proceso: subprocess.Popen[bytes], segundos: float = 60) -> None:
    """Espera a que `url`/salud responda 200; error si el proceso muere o se acaba el plazo."""
    limite = time.monotonic() + segundos
    while True:
        try:
            if httpx.get(f"{url}/salud", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proceso.poll() is not None or time.monotonic() > limite:
            raise RuntimeError(f"el servidor no arrancó (código {proceso.returncode})")
        time.sleep(0.1)


def terminar(proceso: subprocess.Popen[bytes], segundos: float = 10) -> None:
    proceso.terminate()
    try:
        proceso.wait(timeout=segundos)
    except subprocess.TimeoutExpired:
        proceso.kill()

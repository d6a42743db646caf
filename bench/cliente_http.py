"""Cliente HTTP/1.1 mínimo con keep-alive sobre asyncio: casi sin costo propio, para que la medición
sea del servidor y no del cliente (los dos comparten 2 núcleos)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any


class Conexion:
    def __init__(self, host: str, puerto: int, token: str) -> None:
        self.host, self.puerto, self.token = host, puerto, token
        self.r: asyncio.StreamReader | None = None
        self.w: asyncio.StreamWriter | None = None

    async def abrir(self) -> None:
        self.r, self.w = await asyncio.open_connection(self.host, self.puerto)

    async def post(
        self, ruta: str, cuerpo: dict[str, Any] | None = None
    ) -> tuple[int, bytes, float]:
        """(status, cuerpo, segundos) de un POST en la conexión abierta."""
        return await self.pedir("POST", ruta, cuerpo)

    async def get(self, ruta: str) -> tuple[int, bytes, float]:
        """(status, cuerpo, segundos) de un GET en la conexión abierta."""
        return await self.pedir("GET", ruta)

    async def pedir(
        self, metodo: str, ruta: str, cuerpo: dict[str, Any] | None = None
    ) -> tuple[int, bytes, float]:
        assert self.r is not None and self.w is not None
        datos = json.dumps(cuerpo).encode() if cuerpo is not None else b""
        peticion = (
            f"{metodo} {ruta} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(datos)}\r\n\r\n"
        ).encode() + datos
        t0 = time.perf_counter()
        self.w.write(peticion)
        cabecera = await self.r.readuntil(b"\r\n\r\n")
        status = int(cabecera[9:12])
        largo = 0
        for linea in cabecera.split(b"\r\n"):
            if linea[:15].lower() == b"content-length:":
                largo = int(linea[15:])
        respuesta = await self.r.readexactly(largo) if largo else b""
        return status, respuesta, time.perf_counter() - t0

    async def cerrar(self) -> None:
        if self.w is not None:
            self.w.close()


def percentil(valores: list[float], p: float) -> float:
    orden = sorted(valores)
    if not orden:
        return float("nan")
    return orden[min(len(orden) - 1, int(round(p / 100 * (len(orden) - 1))))]

"""Impresora de red simulada (TCP, "raw" 9100) para pruebas, demostraciones y diagnóstico.

Guarda todo lo que recibe y contesta las consultas DLE EOT 1/2/4 con el byte que se le
configure, como una Epson real. Modos: `silenciosa` (nunca contesta) y `colgar` (cierra la
conexión en cuanto llega algo). Uso:

    async with ImpresoraSimulada() as impresora:
        ImpresoraRed("127.0.0.1", impresora.puerto)
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from kiosco.impresoras.base import DLE_EOT

LISTA = 0x12  # patrón fijo 0xx1xx10 sin ningún bit de falla
SIN_PAPEL = 0x12 | 0x60  # DLE EOT 4: sensor de fin de rollo
PAPEL_POR_TERMINAR = 0x12 | 0x0C  # DLE EOT 4: sensor de casi fin
FUERA_DE_LINEA = 0x12 | 0x08  # DLE EOT 1
TAPA_ABIERTA = 0x12 | 0x04  # DLE EOT 2


@dataclass
class ImpresoraSimulada:
    host: str = "127.0.0.1"
    puerto: int = 0  # 0 = el sistema elige uno libre
    modo: str = "normal"  # normal | silenciosa | colgar
    respuestas: dict[int, int] = field(default_factory=lambda: {1: LISTA, 2: LISTA, 4: LISTA})
    recibido: bytearray = field(default_factory=bytearray)  # todo menos las consultas
    consultas: list[int] = field(default_factory=list)
    conexiones: int = 0
    _servidor: asyncio.Server | None = field(default=None, repr=False)
    _clientes: set[asyncio.StreamWriter] = field(default_factory=set, repr=False)

    @property
    def url(self) -> str:
        return f"escpos+net://{self.host}:{self.puerto}"

    async def iniciar(self) -> None:
        self._servidor = await asyncio.start_server(self._atender, self.host, self.puerto)
        self.puerto = self._servidor.sockets[0].getsockname()[1]

    async def detener(self) -> None:
        for escritor in list(self._clientes):
            escritor.close()
        if self._servidor is not None:
            self._servidor.close()
            await self._servidor.wait_closed()

    async def __aenter__(self) -> ImpresoraSimulada:
        await self.iniciar()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.detener()

    async def _atender(self, lector: asyncio.StreamReader, escritor: asyncio.StreamWriter) -> None:
        self.conexiones += 1
        self._clientes.add(escritor)
        pendiente = b""
        try:
            while bloque := await lector.read(4096):
                if self.modo == "colgar":
                    break
                pendiente = self._consumir(pendiente + bloque, escritor)
                await escritor.drain()
            self.recibido += pendiente  # un 0x10 suelto al final también es dato
        except ConnectionError:
            pass
        finally:
            self._clientes.discard(escritor)
            escritor.close()
            with contextlib.suppress(Exception):
                await escritor.wait_closed()

    def _consumir(self, datos: bytes, escritor: asyncio.StreamWriter) -> bytes:
        """Separa consultas DLE EOT n de los datos; devuelve lo que falta por completar."""
        i = 0
        while i < len(datos):
            j = datos.find(DLE_EOT[:1], i)
            if j < 0:
                self.recibido += datos[i:]
                return b""
            self.recibido += datos[i:j]
            if len(datos) - j < 3:
                return datos[j:]  # consulta partida entre dos bloques
            if datos[j : j + 2] == DLE_EOT and datos[j + 2] in (1, 2, 3, 4):
                n = datos[j + 2]
                self.consultas.append(n)
                if self.modo != "silenciosa":
                    escritor.write(bytes([self.respuestas.get(n, LISTA)]))
                i = j + 3
            else:
                self.recibido += datos[j : j + 1]
                i = j + 1
        return b""

"""Impresora de red ESC/POS (puerto 9100, "raw"), con asyncio y tiempos límite en todo.

Una conexión por trabajo: muchas impresoras atienden una sola conexión a la vez y una conexión
larga que se cae en silencio es peor que reconectar. Antes y después de enviar se consulta el
estado en tiempo real; una impresora que no contesta cuenta como falla (no como "todo bien").
"""

from __future__ import annotations

import asyncio
import contextlib

from kiosco.impresoras.base import (
    CONSULTAS,
    EstadoImpresora,
    RespuestaInvalida,
    ResultadoImpresion,
    falla_por_estado,
    interpretar_estado,
)


class _FallaRed(Exception):
    """Falla con mensaje en español; la atrapamos para convertirla en resultado."""


def _segundos(valor: float) -> str:
    return f"{valor:g} s"


class ImpresoraRed:
    def __init__(
        self,
        host: str,
        puerto: int = 9100,
        *,
        timeout_conexion: float = 3.0,
        timeout_envio: float = 10.0,
        timeout_estado: float = 2.0,
        consultar_estado: bool = True,
    ) -> None:
        self.host = host
        self.puerto = puerto
        self.timeout_conexion = timeout_conexion
        self.timeout_envio = timeout_envio
        self.timeout_estado = timeout_estado
        self.consultar_estado = consultar_estado
        self.url = f"escpos+net://{host}:{puerto}"

    def __repr__(self) -> str:
        return f"ImpresoraRed({self.url!r})"

    @property
    def _donde(self) -> str:
        return f"{self.host}:{self.puerto}"

    async def _conectar(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        try:
            async with asyncio.timeout(self.timeout_conexion):
                return await asyncio.open_connection(self.host, self.puerto)
        except TimeoutError:
            raise _FallaRed(
                f"La impresora {self._donde} no aceptó la conexión en "
                f"{_segundos(self.timeout_conexion)}"
            ) from None
        except ConnectionRefusedError:
            raise _FallaRed(
                f"La impresora {self._donde} rechazó la conexión (¿apagada o puerto incorrecto?)"
            ) from None
        except OSError as exc:
            raise _FallaRed(f"No se pudo conectar con la impresora {self._donde}: {exc}") from None

    async def _consultar(
        self, lector: asyncio.StreamReader, escritor: asyncio.StreamWriter
    ) -> EstadoImpresora:
        try:
            async with asyncio.timeout(self.timeout_estado):
                escritor.write(b"".join(CONSULTAS))
                await escritor.drain()
                respuesta = await lector.readexactly(len(CONSULTAS))
        except TimeoutError:
            raise _FallaRed(
                f"La impresora {self._donde} no respondió a la consulta de estado en "
                f"{_segundos(self.timeout_estado)}"
            ) from None
        except asyncio.IncompleteReadError:
            raise _FallaRed(f"La impresora {self._donde} cerró la conexión") from None
        try:
            return interpretar_estado(*respuesta)
        except RespuestaInvalida as exc:
            raise _FallaRed(f"La impresora {self._donde} dio una {exc}") from None

    async def _enviar(self, escritor: asyncio.StreamWriter, datos: bytes) -> None:
        try:
            async with asyncio.timeout(self.timeout_envio):
                escritor.write(datos)
                await escritor.drain()
        except TimeoutError:
            raise _FallaRed(
                f"La impresora {self._donde} no recibió el ticket en "
                f"{_segundos(self.timeout_envio)}"
            ) from None

    async def imprimir(self, datos: bytes) -> ResultadoImpresion:
        try:
            lector, escritor = await self._conectar()
        except _FallaRed as exc:
            return ResultadoImpresion.falla(str(exc))
        try:
            if self.consultar_estado:
                antes = await self._consultar(lector, escritor)
                if falla := falla_por_estado(antes, "antes de imprimir"):
                    return falla
            await self._enviar(escritor, datos)
            if not self.consultar_estado:
                return ResultadoImpresion.exito()
            despues = await self._consultar(lector, escritor)
            if falla := falla_por_estado(despues, "al terminar; el ticket pudo salir incompleto"):
                # Los bytes ya salieron: reintentar solo podría duplicar el ticket.
                return ResultadoImpresion.falla(falla.motivo or "", despues, reintentable=False)
            return ResultadoImpresion.exito(despues)
        except _FallaRed as exc:
            return ResultadoImpresion.falla(str(exc))
        except (ConnectionError, OSError) as exc:
            return ResultadoImpresion.falla(
                f"Se perdió la conexión con la impresora {self._donde}: {exc}"
            )
        finally:
            await _cerrar(escritor)

    async def estado(self) -> EstadoImpresora:
        try:
            lector, escritor = await self._conectar()
        except _FallaRed as exc:
            return EstadoImpresora(en_linea=False, detalle=str(exc))
        try:
            return await self._consultar(lector, escritor)
        except _FallaRed as exc:
            return EstadoImpresora(en_linea=False, detalle=str(exc))
        except (ConnectionError, OSError) as exc:
            return EstadoImpresora(en_linea=False, detalle=f"Se perdió la conexión: {exc}")
        finally:
            await _cerrar(escritor)


async def _cerrar(escritor: asyncio.StreamWriter) -> None:
    escritor.close()
    with contextlib.suppress(Exception):
        async with asyncio.timeout(1.0):
            await escritor.wait_closed()

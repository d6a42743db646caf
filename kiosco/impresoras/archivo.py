"""Impresora "archivo": agrega los bytes al final de un archivo.

Sirve para la demostración y las pruebas, y para impresoras USB con el controlador usblp del
kernel (archivo:///dev/usb/lp0 o /dev/impresora-turnos con la regla udev de firmware_config).
"""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path

from kiosco.impresoras.base import EstadoImpresora, ResultadoImpresion

_MOTIVOS = {
    errno.ENOENT: "no existe",
    errno.EACCES: "sin permiso de escritura (¿el usuario está en el grupo lp?)",
    errno.ENODEV: "el dispositivo no está conectado",
    errno.EBUSY: "el dispositivo está ocupado",
}


class ImpresoraArchivo:
    def __init__(self, ruta: Path | str) -> None:
        self.ruta = Path(ruta)
        self.url = f"archivo://{self.ruta}"

    def __repr__(self) -> str:
        return f"ImpresoraArchivo({self.url!r})"

    def _motivo(self, exc: OSError) -> str:
        return f"No se pudo escribir en {self.ruta}: {_MOTIVOS.get(exc.errno or 0, exc.strerror)}"

    def _escribir(self, datos: bytes) -> None:
        # O_APPEND: dos trabajos nunca se mezclan a media escritura en un archivo normal.
        with open(self.ruta, "ab", buffering=0) as archivo:
            vista = memoryview(datos)
            while vista:
                escritos = archivo.write(vista)
                vista = vista[escritos or 0 :]

    async def imprimir(self, datos: bytes) -> ResultadoImpresion:
        try:
            await asyncio.to_thread(self._escribir, datos)
        except OSError as exc:
            reintentable = exc.errno in (errno.EBUSY, errno.ENODEV, errno.EAGAIN, errno.EIO)
            return ResultadoImpresion.falla(self._motivo(exc), reintentable=reintentable)
        return ResultadoImpresion.exito(EstadoImpresora(en_linea=True))

    async def estado(self) -> EstadoImpresora:
        # Un archivo no informa de papel; solo sabemos si se puede escribir.
        existe = self.ruta.exists()
        destino = self.ruta if existe else self.ruta.parent
        if os.access(destino, os.W_OK):
            return EstadoImpresora(en_linea=True)
        motivo = "sin permiso de escritura" if destino.exists() else "no existe"
        return EstadoImpresora(en_linea=False, detalle=f"{self.ruta}: {motivo}")

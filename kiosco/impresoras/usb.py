"""Impresora USB directa por libusb (escpos+usb://VID:PID), para el agente del kiosco.

python-escpos y pyusb se importan al usar la impresora, nunca al importar este módulo. Sin
hardware aquí no se prueba: se mantiene mínimo. Requiere libusb-1.0-0 (apt) y pyusb.
"""

from __future__ import annotations

import asyncio
from typing import Any

from kiosco.impresoras.base import (
    CONSULTAS,
    EstadoImpresora,
    ResultadoImpresion,
    falla_por_estado,
    interpretar_estado,
)


class ImpresoraUsb:
    def __init__(self, vendor_id: int, product_id: int, *, timeout_ms: int = 5000) -> None:
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.timeout_ms = timeout_ms  # 0 en python-escpos bloquea para siempre
        self.url = f"escpos+usb://{vendor_id:04x}:{product_id:04x}"
        self._bloqueo = asyncio.Lock()

    def __repr__(self) -> str:
        return f"ImpresoraUsb({self.url!r})"

    def _abrir(self) -> Any:
        from escpos.printer import Usb

        # Revisar antes de construir: si Usb() falla por falta de pyusb, su __del__ vuelve a
        # fallar durante la recolección de basura, lejos de aquí.
        if not Usb.is_usable():
            raise RuntimeError("falta pyusb (pip install pyusb) y libusb-1.0-0 (apt)")
        impresora = Usb(self.vendor_id, self.product_id, timeout=self.timeout_ms)
        impresora.open()
        return impresora

    def _estado(self, impresora: Any) -> EstadoImpresora:
        # query_status directo: paper_status() de python-escpos dice "papel OK" si no hay respuesta.
        respuestas = [impresora.query_status(consulta) for consulta in CONSULTAS]
        if not all(respuestas):
            return EstadoImpresora(en_linea=False, detalle="La impresora USB no respondió")
        return interpretar_estado(*(r[0] for r in respuestas))

    def _imprimir(self, datos: bytes) -> ResultadoImpresion:
        impresora = self._abrir()
        try:
            if falla := falla_por_estado(self._estado(impresora), "antes de imprimir"):
                return falla
            impresora._raw(datos)
            return ResultadoImpresion.exito(self._estado(impresora))
        finally:
            impresora.close()

    async def imprimir(self, datos: bytes) -> ResultadoImpresion:
        async with self._bloqueo:
            try:
                return await asyncio.to_thread(self._imprimir, datos)
            except Exception as exc:  # pyusb/escpos levantan de todo; nunca hacia quien emite
                return ResultadoImpresion.falla(f"Impresora USB {self.url}: {exc}")

    async def estado(self) -> EstadoImpresora:
        def consultar() -> EstadoImpresora:
            impresora = self._abrir()
            try:
                return self._estado(impresora)
            finally:
                impresora.close()

        async with self._bloqueo:
            try:
                return await asyncio.to_thread(consultar)
            except Exception as exc:
                return EstadoImpresora(en_linea=False, detalle=f"Impresora USB {self.url}: {exc}")

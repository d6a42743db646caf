"""Adaptadores de impresora elegidos por URL y la cola de impresión asíncrona.

Nada se conecta al importar: los adaptadores abren la conexión en cada `imprimir`/`estado`.
"""

from kiosco.impresoras.archivo import ImpresoraArchivo
from kiosco.impresoras.base import EstadoImpresora, Impresora, ResultadoImpresion
from kiosco.impresoras.cola import ColaImpresion, ColasImpresion, TrabajoImpresion
from kiosco.impresoras.red import ImpresoraRed
from kiosco.impresoras.url import impresora_desde_url
from kiosco.impresoras.usb import ImpresoraUsb

__all__ = [
    "ColaImpresion",
    "ColasImpresion",
    "EstadoImpresora",
    "Impresora",
    "ImpresoraArchivo",
    "ImpresoraRed",
    "ImpresoraUsb",
    "ResultadoImpresion",
    "TrabajoImpresion",
    "impresora_desde_url",
]

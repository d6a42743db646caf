"""Elegir el adaptador de impresora a partir de su URL (DESIGN §2, principio 5).

escpos+net://192.168.1.50:9100[?conexion_s=3&envio_s=10&estado_s=2&estado=no]
escpos+usb://04b8:0202
archivo:///dev/usb/lp0
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from kiosco.impresoras.archivo import ImpresoraArchivo
from kiosco.impresoras.base import Impresora
from kiosco.impresoras.red import ImpresoraRed
from kiosco.impresoras.usb import ImpresoraUsb

EJEMPLOS = "escpos+net://HOST:9100, escpos+usb://VID:PID o archivo:///ruta"
_USB = re.compile(r"^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$")
_TIEMPOS = {
    "conexion_s": "timeout_conexion",
    "envio_s": "timeout_envio",
    "estado_s": "timeout_estado",
}


def _error(url: str, motivo: str) -> ValueError:
    return ValueError(f"URL de impresora inválida {url!r}: {motivo}")


def _impresora_red(url: str) -> ImpresoraRed:
    partes = urlsplit(url)
    try:
        puerto = partes.port or 9100
    except ValueError:
        raise _error(url, "el puerto debe ser un número entre 1 y 65535") from None
    if not partes.hostname:
        raise _error(url, "falta el nombre o la IP de la impresora")
    opciones: dict[str, float | bool] = {}
    for clave, valor in parse_qsl(partes.query, keep_blank_values=True):
        if clave == "estado" and valor in ("si", "sí", "no"):
            # Para clones que no contestan DLE EOT: sin esto cada ticket contaría como falla.
            opciones["consultar_estado"] = valor != "no"
        elif clave in _TIEMPOS:
            try:
                segundos = float(valor)
            except ValueError:
                segundos = 0.0
            if not 0 < segundos <= 300:
                raise _error(url, f"{clave} debe ser un número de segundos entre 0 y 300")
            opciones[_TIEMPOS[clave]] = segundos
        else:
            raise _error(url, f"opción desconocida {clave!r} (hay: estado, {', '.join(_TIEMPOS)})")
    return ImpresoraRed(partes.hostname, puerto, **opciones)  # type: ignore[arg-type]


def impresora_desde_url(url: str) -> Impresora:
    """Crea el adaptador sin conectar nada; levanta ValueError con un mensaje en español."""
    esquema, separador, resto = url.partition("://")
    if not separador:
        raise _error(url, f"se esperaba {EJEMPLOS}")
    if esquema == "escpos+net":
        return _impresora_red(url)
    if esquema == "escpos+usb":
        ids = _USB.match(resto.rstrip("/"))
        if not ids:
            raise _error(
                url, "use escpos+usb://VID:PID con 4 dígitos hexadecimales, p. ej. 04b8:0202"
            )
        return ImpresoraUsb(int(ids.group(1), 16), int(ids.group(2), 16))
    if esquema == "archivo":
        if not resto.startswith("/") or resto == "/":
            raise _error(
                url, "use una ruta absoluta con tres diagonales: archivo:///ruta/al/archivo"
            )
        return ImpresoraArchivo(resto)
    if esquema == "agente":
        raise _error(url, "agente:// lo atiende el servidor a través del agente del kiosco")
    raise _error(url, f"esquema desconocido {esquema!r}; se esperaba {EJEMPLOS}")

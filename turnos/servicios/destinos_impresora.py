"""Qué impresora puede asignar cada quien a un kiosco (DESIGN §7).

El servidor escribe en `archivo://` y se conecta a `escpos+net://`: dónde, lo decide la
instalación (settings), no una persona en la web. Jefatura solo asigna impresoras de red que
casan con `TURNOS_IMPRESORAS_RED` y archivos bajo `TURNOS_IMPRESORAS_CARPETA`; administración y
la CLI, cualquier destino. `escpos+usb://` y `agente://` los imprime el propio kiosco.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from turnos.errores import EntradaInvalida, Prohibido
from turnos.permisos import Actor, Rol

NO_PERMITIDA = "impresora_no_permitida"
_DEL_KIOSCO = ("escpos+usb", "agente")


@dataclass(frozen=True)
class PoliticaImpresoras:
    red: tuple[str, ...] = ()  # patrones host:puerto (fnmatch), en minúsculas
    carpeta: str = ""  # vacío: ningún archivo desde la web

    @classmethod
    def de_settings(cls, settings: Any) -> PoliticaImpresoras:
        patrones = str(settings.impresoras_red or "").split(",")
        return cls(
            tuple(p.strip().lower() for p in patrones if p.strip()),
            str(settings.impresoras_carpeta or "").strip(),
        )


def _host_puerto(url: str) -> str:
    partes = urlsplit(url)
    try:
        puerto = partes.port or 9100
    except ValueError:
        raise EntradaInvalida(
            "El puerto de la impresora debe ser un número de 1 a 65535."
        ) from None
    host = (partes.hostname or "").lower()
    if not host:
        raise EntradaInvalida("Falta el nombre o la IP de la impresora de red.")
    return f"[{host}]:{puerto}" if ":" in host else f"{host}:{puerto}"


def _archivo(ruta: str, carpeta: str) -> str:
    if not carpeta:
        raise Prohibido(
            "Esta instalación no permite asignar impresoras de archivo desde la web"
            " (TURNOS_IMPRESORAS_CARPETA está vacío). Pida a administración que la asigne.",
            NO_PERMITIDA,
        )
    if not ruta.startswith("/"):
        raise EntradaInvalida("Use una ruta absoluta con tres diagonales: archivo:///ruta.")
    # Resolver `..` y enlaces simbólicos antes de comparar; se guarda la ruta ya resuelta.
    real = Path(os.path.realpath(ruta))
    base = Path(os.path.realpath(carpeta))
    if real == base or not real.is_relative_to(base):
        raise Prohibido(
            f"La impresora de archivo debe quedar dentro de {base}"
            " (TURNOS_IMPRESORAS_CARPETA); pida a administración cualquier otra ruta.",
            NO_PERMITIDA,
        )
    return f"archivo://{real}"


def sin_restriccion(quien: Actor) -> bool:
    return quien.tipo == "usuario" and quien.rol == Rol.ADMIN


def permitir(url: str, politica: PoliticaImpresoras, quien: Actor) -> str:
    """La URL que `quien` puede guardar (archivo: con la ruta resuelta) o Prohibido (403)."""
    url = url.strip()
    if not url or sin_restriccion(quien):
        return url
    esquema, separador, resto = url.partition("://")
    if separador and esquema in _DEL_KIOSCO:
        return url
    if separador and esquema == "escpos+net":
        destino = _host_puerto(url)
        if not any(fnmatchcase(destino, p) for p in politica.red):
            raise Prohibido(
                f"La impresora de red {destino} no está entre las que permite la instalación"
                " (TURNOS_IMPRESORAS_RED); pida a administración que la asigne.",
                NO_PERMITIDA,
            )
        return url
    if separador and esquema == "archivo":
        return _archivo(resto.split("?", 1)[0], politica.carpeta)
    raise Prohibido(
        f"Impresora «{url[:80]}» no permitida; use escpos+net://HOST:9100, escpos+usb://VID:PID,"
        " archivo:///ruta o agente://NOMBRE.",
        NO_PERMITIDA,
    )

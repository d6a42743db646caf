"""Folios: una letra (prefijo del trámite) y un consecutivo por centro, prefijo y día local."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

_PREFIJO = re.compile(r"^[A-Z]{1,3}$")
# En una pantalla lejana o un ticket gastado se leen como dígitos: I→1, O/Q→0, S→5, Z→2.
CONFUSAS = frozenset("IOQSZ")


def prefijo_valido(prefijo: str) -> bool:
    return bool(_PREFIJO.match(prefijo)) and not CONFUSAS & set(prefijo)


def formatear_folio(prefijo: str, numero: int) -> str:
    """`A-023`: tres dígitos como mínimo, para que se lea igual en pantalla, ticket y voz."""
    return f"{prefijo}-{numero:03d}"


def dia_local(ahora: datetime, zona: str) -> date:
    """El día de operación del centro: la fecha local, no la UTC."""
    return ahora.astimezone(ZoneInfo(zona)).date()


def partes_folio(folio: str) -> tuple[str, int]:
    prefijo, _, numero = folio.partition("-")
    return prefijo, int(numero)


SERIE_TRAS_RESTAURAR = 1000


def piso_tras_restaurar(conocido: int) -> int:
    """El consecutivo del día tras restaurar una copia que puede ir detrás de lo impreso.

    Salta al menos 1000 por encima del último número conocido y cae en un millar redondo: la serie
    nueva (`A-1001`, `A-2001`, …) se distingue a simple vista de la anterior y no repite ninguno
    de hasta 1000 tickets por prefijo impresos después de lo que se conoce.
    """
    return -(-(conocido + SERIE_TRAS_RESTAURAR) // SERIE_TRAS_RESTAURAR) * SERIE_TRAS_RESTAURAR

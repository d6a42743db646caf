"""Conversión entre datetime (dominio, web) y milisegundos epoch (almacenamiento)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def ahora() -> datetime:
    return datetime.now(UTC)


def a_ms(momento: datetime) -> int:
    return int(momento.timestamp() * 1000)


def desde_ms(ms: int, zona: str = "UTC") -> datetime:
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(zona))


def iso(ms: int | None, zona: str) -> str | None:
    return None if ms is None else desde_ms(ms, zona).isoformat(timespec="seconds")


# Nombres en español sin depender del locale del sistema (el kiosco y citas los comparten).
DIAS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
MESES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def texto_dia(momento: datetime) -> str:
    """'viernes 21 de noviembre'."""
    return f"{DIAS[momento.weekday()]} {momento.day} de {MESES[momento.month - 1]}"

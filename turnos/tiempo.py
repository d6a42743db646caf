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

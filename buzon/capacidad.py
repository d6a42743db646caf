"""Registro de la capacidad «buzon» (lo descubre el núcleo por el entry point de pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

from turnos.capacidades import Capacidad

_AQUI = Path(__file__).resolve().parent

CAPACIDAD = Capacidad(
    nombre="buzon",
    tablas="buzon.tablas",
    migraciones=_AQUI / "migraciones",
)

"""Registro de la capacidad «citas» (lo descubre el núcleo por el entry point de pyproject.toml):
agenda por trámite, reservas sin sobrecupo, .ics, páginas /citas y registro en el kiosco."""

from __future__ import annotations

from pathlib import Path

from turnos.capacidades import Capacidad

_AQUI = Path(__file__).resolve().parent

CAPACIDAD = Capacidad(
    nombre="citas",
    tablas="citas.tablas",
    migraciones=_AQUI / "migraciones",
)

"""Registro de la capacidad «pantalla» (lo descubre el núcleo por el entry point de
pyproject.toml): la cara de sala, su página, el websocket de eventos públicos y los anuncios."""

from __future__ import annotations

from pathlib import Path

from turnos.capacidades import Capacidad, perezosa

_AQUI = Path(__file__).resolve().parent

CAPACIDAD = Capacidad(
    nombre="pantalla",
    rutas=perezosa("pantalla.rutas:rutas"),
    plantillas=_AQUI / "plantillas",
    estaticos=_AQUI / "static",
    permisos={
        "jefe": frozenset({"ver_pantalla"}),
        "pantalla": frozenset({"ver_pantalla"}),  # tipo de dispositivo
    },
)

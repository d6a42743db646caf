"""Registro de la capacidad «citas» (lo descubre el núcleo por el entry point de pyproject.toml):
agenda por trámite, reservas sin sobrecupo, .ics, páginas /citas y registro en el kiosco."""

from __future__ import annotations

from pathlib import Path

from turnos.capacidades import Capacidad, FragmentoOpenAPI, diferido

_AQUI = Path(__file__).resolve().parent


def _openapi() -> FragmentoOpenAPI:
    from citas import openapi

    return FragmentoOpenAPI(
        rutas=openapi.RUTAS, esquemas=openapi.ESQUEMAS, parametros=openapi.PARAMETROS
    )


CAPACIDAD = Capacidad(
    nombre="citas",
    rutas=diferido("citas.web:RUTAS"),
    openapi=_openapi,
    tablas="citas.tablas",
    migraciones=_AQUI / "migraciones",
)

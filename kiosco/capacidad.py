"""Registro de la capacidad «kiosco» (lo descubre el núcleo por el entry point de
pyproject.toml): kiosco y ticket móvil, impresión (tabla `impresion`), agente USB, reimpresión."""

from __future__ import annotations

from pathlib import Path

from turnos.capacidades import Capacidad, FragmentoOpenAPI, diferido, perezosa

_AQUI = Path(__file__).resolve().parent


def _openapi() -> FragmentoOpenAPI:
    from kiosco import openapi

    return FragmentoOpenAPI(
        rutas=openapi.RUTAS,
        esquemas=openapi.ESQUEMAS,
        parametros=openapi.PARAMETROS,
        seguridad=openapi.ESQUEMAS_SEGURIDAD,
    )


CAPACIDAD = Capacidad(
    nombre="kiosco",
    rutas=diferido("kiosco.web:RUTAS"),
    openapi=_openapi,
    tablas="kiosco.tablas",
    migraciones=_AQUI / "migraciones",
    plantillas=_AQUI / "plantillas",
    estaticos=_AQUI / "static",
    cli=perezosa("kiosco.cli:registrar"),
    iniciar=perezosa("kiosco.servicio:iniciar"),
    detener=perezosa("kiosco.servicio:detener"),
    turno_en_kiosco=perezosa("kiosco.web:turno_de_otra_capacidad"),
)

"""Registro de la capacidad «metricas» (lo descubre el núcleo por el entry point de
pyproject.toml): /metrics, tablero en vivo, reportes, datos abiertos y resúmenes `kpi_dia`."""

from __future__ import annotations

from pathlib import Path

from turnos.capacidades import Capacidad, FragmentoOpenAPI, TablaReporte, diferido, perezosa

_AQUI = Path(__file__).resolve().parent


def _openapi() -> FragmentoOpenAPI:
    from metricas import openapi

    return FragmentoOpenAPI(
        rutas=openapi.RUTAS, esquemas=openapi.ESQUEMAS, parametros=openapi.PARAMETROS
    )


CAPACIDAD = Capacidad(
    nombre="metricas",
    rutas=diferido("metricas.web:RUTAS"),
    openapi=_openapi,
    tablas="metricas.tablas",
    migraciones=_AQUI / "migraciones",
    plantillas=_AQUI / "plantillas",
    estaticos=_AQUI / "static",
    cli=perezosa("metricas.cli:registrar"),
    iniciar=perezosa("metricas.servicio:iniciar"),
    detener=perezosa("metricas.servicio:detener"),
    reportes=(
        TablaReporte(
            "resultados",
            "Resuelto en primera visita por trámite (marcas de resultado)",
            filas=perezosa("metricas.resultados:filas"),
            evidencia=perezosa("metricas.resultados:evidencia"),
            datos_abiertos=perezosa("metricas.resultados:datos_abiertos"),
        ),
    ),
)

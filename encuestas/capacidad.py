"""Registro de la capacidad «encuestas» (entry point en pyproject.toml): encuesta de satisfacción
en la tableta de cada ventanilla y en el teléfono, una respuesta por turno atendido, y sus
resultados en reportes, tablero, evidencia MAS, datos abiertos y /metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from turnos.capacidades import Capacidad, Enlace, FragmentoOpenAPI, TablaReporte, perezosa

_AQUI = Path(__file__).resolve().parent
USAR_TABLETA = "usar_tableta_encuesta"


def _openapi() -> FragmentoOpenAPI:
    from encuestas import openapi

    return FragmentoOpenAPI(
        rutas=openapi.RUTAS, esquemas=openapi.ESQUEMAS, parametros=openapi.PARAMETROS
    )


def _rutas() -> list[Any]:
    from encuestas import admin, resumen, tableta, web

    return [*web.RUTAS, *tableta.RUTAS, *resumen.RUTAS, *admin.RUTAS]


def _tabla(nombre: str, titulo: str, funcion: str, **extra: Any) -> TablaReporte:
    return TablaReporte(nombre, titulo, filas=perezosa(f"encuestas.resultados:{funcion}"), **extra)


CAPACIDAD = Capacidad(
    nombre="encuestas",
    rutas=_rutas,
    openapi=_openapi,
    tablas="encuestas.tablas",
    migraciones=_AQUI / "migraciones",
    plantillas=_AQUI / "plantillas",
    estaticos=_AQUI / "static",
    permisos={"tableta": frozenset({USAR_TABLETA}), "jefe": frozenset({USAR_TABLETA})},
    metricas=perezosa("encuestas.prometheus:exposicion"),
    demo=perezosa("encuestas.conjuntos:sembrar_demo"),
    al_cerrar_turno=perezosa("encuestas.servicio:al_cerrar"),
    vista_turno=perezosa("encuestas.servicio:vista_turno"),
    enlaces=(
        Enlace("admin", "Encuesta de satisfacción", "/admin/encuestas?centro={centro}"),
        Enlace("tablero", "Satisfacción", "/tablero/{centro}/reportes?vista=indicadores"),
    ),
    fragmentos={
        "turno_publico": ("encuesta_turno.html",),
        "tablero": ("encuesta_tablero.html",),
    },
    reportes=(
        _tabla(
            "encuestas_tramite",
            "Satisfacción por trámite (CSAT, IC 95 %, tasa de respuesta)",
            "por_tramite",
            evidencia=perezosa("encuestas.resultados:evidencia"),
            datos_abiertos=perezosa("encuestas.resultados:datos_abiertos"),
        ),
        _tabla("encuestas_ventanilla", "Satisfacción por ventanilla", "por_ventanilla"),
        _tabla("encuestas_personal", "Satisfacción por persona (n mínima)", "por_personal"),
        _tabla("encuestas_hora", "Satisfacción por hora", "por_hora"),
        _tabla("encuestas_espera", "Satisfacción vs. minutos de espera", "por_espera"),
    ),
)

"""Registro de la capacidad «buzon» (lo descubre el núcleo por el entry point de pyproject.toml):
recepción por todos los canales, folio y clave, canalización con historia, bandeja del personal,
Open311 GeoReport v2, reportes y alerta de plazo en el tablero."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from turnos.capacidades import Capacidad, Enlace, FragmentoOpenAPI, TablaReporte, perezosa

_AQUI = Path(__file__).resolve().parent


def _openapi() -> FragmentoOpenAPI:
    from buzon import openapi

    return FragmentoOpenAPI(
        rutas=openapi.RUTAS, esquemas=openapi.ESQUEMAS, parametros=openapi.PARAMETROS
    )


def _rutas() -> list[Any]:
    from buzon import bandeja, open311, paginas, web

    return [*web.RUTAS, *open311.RUTAS, *bandeja.RUTAS, *paginas.RUTAS]


_ATENDER, _DENUNCIAS, _CAPTURAR = "buzon_atender", "buzon_denuncias", "buzon_capturar"

CAPACIDAD = Capacidad(
    nombre="buzon",
    rutas=_rutas,
    openapi=_openapi,
    tablas="buzon.tablas",
    migraciones=_AQUI / "migraciones",
    plantillas=_AQUI / "plantillas",
    estaticos=_AQUI / "static",
    cli=perezosa("buzon.cli:registrar"),
    # Las denuncias solo las ve contraloría (y el admin, que recibe todo permiso); el jefe
    # atiende lo demás; quien está en ventanilla solo captura lo que llega en persona.
    permisos={
        "jefe": frozenset({_ATENDER, _CAPTURAR}),
        "ventanilla": frozenset({_CAPTURAR}),
        "contraloria": frozenset({_DENUNCIAS, _CAPTURAR}),
    },
    iniciar=perezosa("buzon.servicio:iniciar"),
    detener=perezosa("buzon.servicio:detener"),
    servicios={"abrir_manifestacion": perezosa("buzon.casos:abrir_manifestacion")},
    metricas=perezosa("buzon.reportes:prometheus"),
    demo=perezosa("buzon.demo:sembrar"),
    enlaces=(
        Enlace("admin", "Buzón ciudadano", "/buzon/{centro}/bandeja"),
        Enlace("tablero", "Buzón ciudadano", "/buzon/{centro}/bandeja"),
    ),
    fragmentos={
        "tablero": ("buzon_tablero.html",),
        "turno_publico": ("buzon_turno.html",),
        "kiosco": ("buzon_kiosco.html",),
        "ventanilla": ("buzon_ventanilla.html",),
    },
    reportes=(
        TablaReporte(
            "buzon",
            "Buzón ciudadano por tipo",
            filas=perezosa("buzon.reportes:por_tipo"),
            evidencia=perezosa("buzon.reportes:evidencia"),
            datos_abiertos=perezosa("buzon.reportes:abiertos"),
        ),
        TablaReporte(
            "buzon_desglose",
            "Buzón: casos por asunto, unidad y canal",
            filas=perezosa("buzon.reportes:desglose"),
        ),
        TablaReporte(
            "buzon_canalizacion",
            "Buzón: exactitud de canalización",
            filas=perezosa("buzon.reportes:canalizacion"),
        ),
        TablaReporte(
            "buzon_reruteo",
            "Buzón: re-ruteo de unidad (de → a)",
            filas=perezosa("buzon.reportes:reruteo"),
        ),
        TablaReporte(
            "buzon_quejas_tramite",
            "Buzón: quejas por 1,000 turnos atendidos",
            filas=perezosa("buzon.reportes:quejas_por_tramite"),
        ),
        TablaReporte(
            "buzon_textos",
            "Buzón: textos del periodo por asunto (sin datos de contacto; sin denuncias)",
            filas=perezosa("buzon.reportes:textos"),
        ),
    ),
)

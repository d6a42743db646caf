"""Registro de la capacidad «citas» (lo descubre el núcleo por el entry point de pyproject.toml):
agenda por trámite, reservas sin sobrecupo, .ics, páginas /citas y registro en el kiosco."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from turnos.capacidades import Capacidad, Enlace, FragmentoOpenAPI, TablaReporte, perezosa

_AQUI = Path(__file__).resolve().parent


def _openapi() -> FragmentoOpenAPI:
    from citas import openapi

    return FragmentoOpenAPI(
        rutas=openapi.RUTAS, esquemas=openapi.ESQUEMAS, parametros=openapi.PARAMETROS
    )


def _rutas() -> list[Any]:
    from citas import admin, paginas, personal, web

    return [*web.RUTAS, *paginas.RUTAS, *admin.RUTAS, *personal.RUTAS]


CAPACIDAD = Capacidad(
    nombre="citas",
    rutas=_rutas,
    openapi=_openapi,
    tablas="citas.tablas",
    migraciones=_AQUI / "migraciones",
    plantillas=_AQUI / "plantillas",
    estaticos=_AQUI / "static",
    cli=perezosa("citas.cli:registrar"),
    metricas=perezosa("citas.prometheus:exposicion"),
    demo=perezosa("citas.configuracion:sembrar_demo"),
    iniciar=perezosa("citas.servicio:iniciar"),
    detener=perezosa("citas.servicio:detener"),
    al_cerrar_turno=perezosa("citas.ganchos:al_cerrar"),
    al_reabrir_turno=perezosa("citas.ganchos:al_reabrir"),
    campos_tramite={"agenda": perezosa("citas.configuracion:importar_agenda")},
    vista_turno=perezosa("citas.ganchos:vista"),
    # El consejo de dotación del núcleo suma las citas reservadas a las llegadas esperadas.
    servicios={"citas.reservadas_por_hora": perezosa("citas.dotacion:reservadas_por_hora")},
    fragmentos={
        "turno_publico": ("citas_turno.html",),
        "ventanilla": ("citas_ventanilla.html",),
        "tablero": ("citas_tablero.html",),
    },
    reportes=(
        TablaReporte(
            "citas",
            "Citas por trámite y día",
            filas=perezosa("citas.reportes:filas"),
            evidencia=perezosa("citas.reportes:evidencia"),
            datos_abiertos=perezosa("citas.reportes:datos_abiertos"),
        ),
    ),
    enlaces=(
        Enlace("admin", "Agenda de citas", "/admin/agenda-citas?centro={centro}"),
        Enlace("admin", "Correos de citas", "/admin/correos-citas?centro={centro}"),
    ),
)

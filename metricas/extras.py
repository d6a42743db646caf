"""Las tablas que otras capacidades suman a los reportes (``Capacidad.reportes``): citas,
encuestas, buzón… Métricas no las conoce por nombre; las lee con el mismo periodo y centro del
informe, en una lectura aparte (cada capacidad consulta sus propias tablas)."""

from __future__ import annotations

from typing import Any

from metricas.consultas import Informe
from turnos.capacidades import TablaReporte, tablas_reporte


def declaradas() -> list[TablaReporte]:
    return tablas_reporte()


def nombres() -> list[str]:
    return [t.nombre for t in declaradas()]


def titulo(nombre: str) -> str | None:
    return next((t.titulo for t in declaradas() if t.nombre == nombre), None)


def _args(inf: Informe) -> tuple[int, Any, Any, str]:
    return inf.centro.id, inf.desde, inf.hasta, inf.centro.zona


def tablas(alm: Any, inf: Informe) -> dict[str, list[dict[str, Any]]]:
    with alm.lectura() as conn:
        return {t.nombre: t.filas(conn, *_args(inf)) for t in declaradas()}


def evidencia(alm: Any, inf: Informe) -> list[tuple[str, list[dict[str, Any]]]]:
    """(título, filas con indicador/valor/detalle) de cada capacidad que aporta evidencia."""
    with alm.lectura() as conn:
        return [
            (t.titulo, t.evidencia(conn, *_args(inf)))
            for t in declaradas()
            if t.evidencia is not None
        ]


def datos_abiertos(alm: Any, inf: Informe) -> dict[str, list[dict[str, Any]]]:
    """Solo agregados: cada capacidad responde de que sus filas no identifican a nadie."""
    with alm.lectura() as conn:
        return {
            t.nombre: t.datos_abiertos(conn, *_args(inf))
            for t in declaradas()
            if t.datos_abiertos is not None
        }

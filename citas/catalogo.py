"""Lo que la página de citas ofrece: centros y trámites con agenda activa."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from citas import lecturas
from turnos.db.almacen import Almacen
from turnos.servicios import consultas

_CENTROS = text(
    "SELECT DISTINCT c.slug, c.nombre FROM centro c JOIN cita_agenda a ON a.centro_id = c.id"
    " JOIN tramite tr ON tr.id = a.tramite_id WHERE c.activo = true AND a.activa = true"
    " AND tr.activo = true ORDER BY c.nombre"
)
_TRAMITES = text(
    "SELECT tr.clave, tr.nombre, tr.descripcion, tr.requisitos, tr.costo, a.duracion_min"
    " FROM tramite tr JOIN cita_agenda a ON a.tramite_id = tr.id WHERE tr.centro_id = :c"
    " AND tr.activo = true AND a.activa = true ORDER BY tr.orden, tr.nombre"
)


def centros(alm: Almacen) -> list[dict[str, Any]]:
    with alm.lectura() as conn:
        return [dict(f._mapping) for f in conn.execute(_CENTROS)]


def tramites(alm: Almacen, centro_slug: str) -> tuple[Any, list[dict[str, Any]]]:
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        return c, [dict(f._mapping) for f in conn.execute(_TRAMITES, {"c": c.id})]


def politica_inasistencias(alm: Almacen, centro_slug: str) -> str:
    """La política de inasistencias del centro, para publicarla donde se reserva."""
    with alm.lectura() as conn:
        reglas = lecturas.ajustes(conn, consultas.centro(conn, centro_slug).id)
    return (
        f"Si no se presenta a {reglas['inasistencias_max']} citas en"
        f" {reglas['inasistencias_dias']} días, por un tiempo solo podrá tener una cita agendada a"
        f" la vez. Una misma CURP puede agendar hasta {reglas['tope_por_curp']} citas cada"
        f" {reglas['periodo_dias']} días y una sola por trámite."
    )

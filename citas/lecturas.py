"""Lecturas de citas comunes a los servicios: agenda, reglas del centro, llave de la huella."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, text

from citas.agenda import Agenda, Centro
from citas.ics import DatosIcs
from turnos.errores import Conflicto, NoEncontrado
from turnos.servicios import consultas
from turnos.servicios.consultas import CentroInfo

_AGENDA = text(
    "SELECT duracion_min, lugares, horizonte_dias, anticipacion_min FROM cita_agenda"
    " WHERE tramite_id = :t AND activa = true"
)
_AJUSTES = text(
    "SELECT antes_min, despues_min, tope_por_curp, periodo_dias, corte_min, inasistencias_max,"
    " inasistencias_dias FROM cita_ajustes"
    " WHERE centro_id = :c"
)
_AJUSTES_OMISION = {
    "antes_min": 30,
    "despues_min": 15,
    "tope_por_curp": 3,
    "periodo_dias": 30,
    "corte_min": 60,
    "inasistencias_max": 2,
    "inasistencias_dias": 90,
}


def agenda(conn: Connection, tramite_id: int) -> Agenda:
    f = conn.execute(_AGENDA, {"t": tramite_id}).first()
    if f is None:
        raise Conflicto(
            "Este trámite no tiene citas en línea; acuda al centro y tome un turno.",
            "horario_no_disponible",
        )
    return Agenda(*f)


def agenda_o_nada(conn: Connection, tramite_id: int) -> Agenda | None:
    f = conn.execute(_AGENDA, {"t": tramite_id}).first()
    return None if f is None else Agenda(*f)


def ajustes(conn: Connection, centro_id: int) -> dict[str, int]:
    f = conn.execute(_AJUSTES, {"c": centro_id}).first()
    return dict(f._mapping) if f is not None else dict(_AJUSTES_OMISION)


def centro_agenda(c: CentroInfo) -> Centro:
    return Centro(c.zona, c.horario, frozenset(c.inhabiles))


def llave_curp(conn: Connection) -> bytes:
    """Llave de la huella de la CURP: se genera una vez por instalación y vive en `ajuste`."""
    conn.execute(
        text(
            "INSERT INTO ajuste (clave, valor) VALUES ('llave_curp', :v)"
            " ON CONFLICT (clave) DO NOTHING"
        ),
        {"v": secrets.token_hex(32)},
    )
    valor = conn.execute(text("SELECT valor FROM ajuste WHERE clave = 'llave_curp'")).scalar_one()
    return bytes.fromhex(valor)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_POR_TOKEN = text(
    "SELECT ci.*, tr.clave AS tramite_clave, tr.nombre AS tramite_nombre, c.slug AS centro_slug"
    " FROM cita ci JOIN tramite tr ON tr.id = ci.tramite_id JOIN centro c ON c.id = ci.centro_id"
    " WHERE ci.token_hash = :h"
)


def cita_por_token(conn: Connection, token: str) -> Any:
    f = conn.execute(_POR_TOKEN, {"h": hash_token(token[:100])}).first()
    if f is None:
        raise NoEncontrado(
            "No encontramos esa cita. Revise el enlace de su confirmación.", "cita_no_encontrada"
        )
    return f


def datos_ics(conn: Connection, f: Any, c: CentroInfo, enlace: str) -> DatosIcs:
    """Lo que lleva el .ics de la cita `f` (fila de `cita_por_token` o `cita_por_id`)."""
    requisitos = conn.execute(
        text("SELECT requisitos FROM tramite WHERE id = :t"), {"t": f.tramite_id}
    ).scalar_one()
    return DatosIcs(
        folio=f.folio,
        centro=c.slug,
        centro_nombre=c.nombre,
        tramite_nombre=f.tramite_nombre,
        requisitos=requisitos,
        inicio=datetime.fromtimestamp(f.inicio_ms / 1000, UTC),
        fin=datetime.fromtimestamp(f.fin_ms / 1000, UTC),
        secuencia=f.secuencia,
        cancelada=f.estado == "cancelada",
        enlace=enlace,
    )


def cita_por_id(conn: Connection, cita_id: int) -> Any:
    return conn.execute(
        text(_POR_TOKEN.text.replace("ci.token_hash = :h", "ci.id = :id")), {"id": cita_id}
    ).one()


def centro(alm: Any, slug: str) -> CentroInfo:
    """El centro por su slug, en su propia lectura (para las páginas del personal)."""
    with alm.lectura() as conn:
        return consultas.centro(conn, slug)

"""Valores preparados para el bloque de acciones de /ventanilla (sin reglas en la plantilla):
si «No se presentó» está habilitado y por qué no, qué ausencia se puede reincorporar, las marcas
de resultado del trámite en curso y los destinos de una transferencia."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from turnos.permisos import Actor
from turnos.servicios import ausencia, consultas, resultados
from turnos.servicios.consultas import CentroInfo

_PERSONAS = text(
    "SELECT usuario, nombre FROM usuario WHERE activo = true AND id <> :yo"
    " AND rol IN ('ventanilla', 'jefe', 'admin') AND (centro_id = :c OR centro_id IS NULL)"
    " ORDER BY nombre, usuario"
)


def datos(
    conn: Connection,
    c: CentroInfo,
    elegida: dict[str, Any],
    turno_id: int | None,
    quien: Actor,
    ms: int,
) -> dict[str, Any]:
    salida: dict[str, Any] = {
        "reincorporable": ausencia.reincorporable(conn, elegida["id"], ms, c.zona),
        "ausente": None,
        "marcas": [],
        "destinos": [],
        "personas": [],
    }
    if turno_id is None:
        return salida
    salida["ausente"] = ausencia.estado_ausente(conn, turno_id, ms)
    salida["marcas"] = [
        m.como_dict() for m in resultados.marcas(conn, consultas.turno(conn, turno_id).tramite_id)
    ]
    salida["destinos"] = [
        {"numero": f.numero, "nombre": f.nombre}
        for f in conn.execute(
            text(
                "SELECT numero, nombre FROM ventanilla WHERE centro_id = :c AND activo = true"
                " AND id <> :v ORDER BY numero"
            ),
            {"c": c.id, "v": elegida["id"]},
        )
    ]
    salida["personas"] = [
        {"usuario": f.usuario, "nombre": f.nombre or f.usuario}
        for f in conn.execute(_PERSONAS, {"yo": quien.usuario_id or -1, "c": c.id})
    ]
    return salida

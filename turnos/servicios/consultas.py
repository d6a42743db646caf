"""Lecturas comunes a los servicios: centro, trámite, ventanilla, cola. Errores 404 claros."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from turnos.dominio.enrutamiento import Politica
from turnos.dominio.estados import EstadoTurno
from turnos.errores import NoEncontrado


@dataclass(frozen=True)
class CentroInfo:
    id: int
    slug: str
    nombre: str
    zona: str
    horario: dict[str, list[str] | None]
    inhabiles: list[str]
    tolerancia_min: int
    mensajes: list[str]
    politica: Politica
    pie_ticket: list[str]


_CENTRO = text(
    "SELECT id, slug, nombre, zona, horario, inhabiles, tolerancia_min, mensajes, politica,"
    " pie_ticket FROM centro WHERE slug = :slug AND activo = true"
)


def centro(conn: Connection, slug: str) -> CentroInfo:
    f = conn.execute(_CENTRO, {"slug": slug}).first()
    if f is None:
        raise NoEncontrado(f"No existe el centro «{slug[:60]}».", "centro_no_encontrado")
    return CentroInfo(
        id=f.id,
        slug=f.slug,
        nombre=f.nombre,
        zona=f.zona,
        horario=json.loads(f.horario),
        inhabiles=json.loads(f.inhabiles),
        tolerancia_min=f.tolerancia_min,
        mensajes=json.loads(f.mensajes),
        politica=Politica(**json.loads(f.politica)),
        pie_ticket=json.loads(f.pie_ticket),
    )


_TRAMITE = text(
    "SELECT id, clave, nombre, prefijo, espera_maxima_min, atencion_maxima_min, costo"
    " FROM tramite WHERE centro_id = :c AND clave = :clave AND activo = true"
)


def tramite(conn: Connection, centro_id: int, clave: str) -> Any:
    f = conn.execute(_TRAMITE, {"c": centro_id, "clave": clave}).first()
    if f is None:
        raise NoEncontrado(
            f"No existe el trámite «{clave[:20]}» en este centro.", "tramite_no_encontrado"
        )
    return f


def ventanilla(conn: Connection, centro_id: int, numero: int, *, bloquear: bool = False) -> Any:
    sql = (
        "SELECT id, numero, nombre, estado, motivo_pausa, usuario_id FROM ventanilla"
        " WHERE centro_id = :c AND numero = :n AND activo = true"
    )
    if bloquear and conn.dialect.name == "postgresql":
        sql += " FOR UPDATE"  # serializa las acciones sobre la misma ventanilla
    f = conn.execute(text(sql), {"c": centro_id, "n": numero}).first()
    if f is None:
        raise NoEncontrado(
            f"No existe la ventanilla {numero} en este centro.", "ventanilla_no_encontrada"
        )
    return f


_COLA = text(
    "SELECT tr.clave, e.n FROM espera e JOIN tramite tr ON tr.id = e.tramite_id"
    " WHERE e.centro_id = :c AND e.n > 0"
)


def cola(conn: Connection, centro_id: int) -> dict[str, int]:
    """Turnos en espera por clave de trámite (solo los que tienen alguien)."""
    return {clave: n for clave, n in conn.execute(_COLA, {"c": centro_id})}


_COLA_TRAMITE = text("SELECT n FROM espera WHERE centro_id = :c AND tramite_id = :t")
_AJUSTAR = text(
    "INSERT INTO espera (centro_id, tramite_id, n) VALUES (:c, :t, :d)"
    " ON CONFLICT (centro_id, tramite_id) DO UPDATE SET n = espera.n + :d"
)


def ajustar_espera(conn: Connection, centro_id: int, tramite_id: int, delta: int) -> None:
    """Lleva la cuenta de la cola; se llama en la misma transacción que cambia el estado."""
    conn.execute(_AJUSTAR, {"c": centro_id, "t": tramite_id, "d": delta})


def cola_de(conn: Connection, centro_id: int, tramites: dict[int, str]) -> dict[str, int]:
    """Espera de solo los trámites que cambiaron ({id: clave}): los eventos llevan diferencias."""
    return {
        clave: int(conn.execute(_COLA_TRAMITE, {"c": centro_id, "t": tid}).scalar() or 0)
        for tid, clave in tramites.items()
    }


_DELANTE = text(
    "SELECT count(*) FROM turno WHERE centro_id = :c AND estado = :espera"
    " AND tramite_id = :t AND (en_cola_ms < :ms OR (en_cola_ms = :ms AND id < :id))"
)


def personas_delante(
    conn: Connection, centro_id: int, tramite_id: int, en_cola_ms: int, turno_id: int
) -> int:
    """Cuántos esperan el mismo trámite desde antes (estimación: la prioridad puede adelantar)."""
    return int(
        conn.execute(
            _DELANTE,
            {
                "c": centro_id,
                "t": tramite_id,
                "ms": en_cola_ms,
                "id": turno_id,
                "espera": EstadoTurno.EN_ESPERA.value,
            },
        ).scalar_one()
    )


def tramites_de_ventanilla(conn: Connection, ventanilla_id: int) -> list[Any]:
    return list(
        conn.execute(
            text(
                "SELECT tr.id, tr.clave, tr.nombre, tr.espera_maxima_min FROM ventanilla_tramite vt"
                " JOIN tramite tr ON tr.id = vt.tramite_id WHERE vt.ventanilla_id = :v"
                " AND tr.activo = true ORDER BY vt.orden, tr.clave"
            ),
            {"v": ventanilla_id},
        )
    )

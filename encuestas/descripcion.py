"""Lo que la tableta y el teléfono necesitan para pintar la encuesta (textos ya preparados)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text

from encuestas import conjuntos
from encuestas.servicio import BAJA, CALIFICACIONES, MOTIVOS
from turnos.capacidades import servicio

_POR_CLAVE = text(
    "SELECT e.centro_id, e.respondida_ms, tr.nombre AS tramite, t.folio FROM encuesta e"
    " JOIN tramite tr ON tr.id = e.tramite_id JOIN turno t ON t.id = e.turno_id"
    " WHERE e.clave = :k"
)


def buzon() -> Callable[..., Any] | None:
    """``abrir_manifestacion`` del buzón instalado (otra capacidad, sin importarla), o None."""
    return servicio("abrir_manifestacion")


def contacto_disponible() -> bool:
    """«Quiero que me contacten» solo si hay un buzón instalado que abra el caso."""
    return buzon() is not None


def describir(conn: Connection, centro_id: int) -> dict[str, Any]:
    conjunto = conjuntos.leer(conn, centro_id)
    return {
        "pregunta": conjunto["pregunta"],
        "mensaje_reposo": conjunto["mensaje_reposo"],
        "calificaciones": [{"valor": v, "texto": t} for v, t in CALIFICACIONES.items()],
        "motivos": [{"clave": k, "texto": t} for k, t in MOTIVOS.items()],
        "baja": BAJA,
        "reactivos": conjunto["reactivos"],
        "contacto": contacto_disponible(),
    }


def por_clave(conn: Connection, clave: str) -> dict[str, Any] | None:
    fila = conn.execute(_POR_CLAVE, {"k": clave}).first()
    if fila is None:
        return None
    return {
        "estado": "respondida" if fila.respondida_ms is not None else "pendiente",
        "folio": fila.folio,
        "tramite": fila.tramite,
        **describir(conn, fila.centro_id),
    }

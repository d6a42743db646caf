"""Registro de usuarios atendidos (MAS): nombre, trámite, hora y contacto. Solo el rol jefe
(Permiso.VER_REGISTRO) lo exporta, y solo dentro del periodo de retención.

Retención (`registro_retencion_dias`, 365 por omisión): lo más antiguo no se exporta, y
`depurar` borra nombre y contacto de esos turnos (la fila y sus cifras se quedan para los KPI).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text

from turnos.db.almacen import Almacen
from turnos.dominio.numeracion import dia_local
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import consultas as nucleo
from turnos.tiempo import a_ms, iso

RETENCION_DIAS = 365

_FILAS = text(
    "SELECT t.dia, t.folio, t.tramo, t.fin_ms, t.llamado_ms, t.estado, t.nombre, t.contacto,"
    " tr.clave, tr.nombre AS tramite FROM turno t JOIN tramite tr ON tr.id = t.tramite_id"
    " WHERE t.centro_id = :c AND t.dia BETWEEN :d AND :h AND t.nombre <> ''"
    " ORDER BY t.dia, t.en_cola_ms, t.id"
)


def retencion(settings: Any) -> int:
    return int(getattr(settings, "registro_retencion_dias", RETENCION_DIAS) or RETENCION_DIAS)


def exportar(
    alm: Almacen,
    slug: str,
    actor: Actor | None,
    desde: date,
    hasta: date,
    ahora: datetime,
    retencion_dias: int = RETENCION_DIAS,
) -> list[dict[str, Any]]:
    """Filas del registro; nunca anteriores al límite de retención."""
    with alm.lectura() as conn:
        c = nucleo.centro(conn, slug)
        exigir(actor, Permiso.VER_REGISTRO, c.id)
        limite = dia_local(ahora, c.zona) - timedelta(days=retencion_dias)
        filas = conn.execute(
            _FILAS, {"c": c.id, "d": max(desde, limite).isoformat(), "h": hasta.isoformat()}
        ).all()
    return [
        {
            "fecha": f.dia,
            "hora": (iso(f.fin_ms or f.llamado_ms, c.zona) or "")[11:16],
            "folio": f.folio,
            "tramite_clave": f.clave,
            "tramite": f.tramite,
            "estado": f.estado,
            "nombre": f.nombre,
            "contacto": f.contacto,
        }
        for f in filas
    ]


def depurar(alm: Almacen, slug: str, ahora: datetime, retencion_dias: int = RETENCION_DIAS) -> int:
    """Borra nombre y contacto de los turnos fuera de la retención; deja constancia en la
    bitácora (sin datos personales). Devuelve cuántos tramos se depuraron."""
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = nucleo.centro(tx.conn, slug)
        limite = (dia_local(ahora, c.zona) - timedelta(days=retencion_dias)).isoformat()
        n = tx.ejecutar(
            text(
                "UPDATE turno SET nombre = '', contacto = '' WHERE centro_id = :c AND dia < :d"
                " AND (nombre <> '' OR contacto <> '')"
            ),
            {"c": c.id, "d": limite},
        ).rowcount
        if n:
            tx.evento(c.id, "registro_depurado", ms, datos={"antes_de": limite, "tramos": n})
    return int(n)


COLUMNAS = ["fecha", "hora", "folio", "tramite_clave", "tramite", "estado", "nombre", "contacto"]

"""Auditoría de la bitácora encadenada de un centro."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen, campos_sellados
from turnos.dominio.cadena import EventoSellado, Falla, verificar
from turnos.servicios import consultas

_LOTE = 5000


def _eventos(conn: Connection, centro_id: int) -> Iterator[EventoSellado]:
    ultimo = 0
    while True:  # por lotes: millones de eventos sin cargarlos todos en memoria
        filas = conn.execute(
            text(
                "SELECT centro_id, seq, ts_ms, tipo, turno_id, ventanilla_id, usuario_id,"
                " dispositivo_id, datos, publico, hash_previo, hash FROM evento WHERE centro_id = :c"
                " AND seq > :s ORDER BY seq LIMIT :n"
            ),
            {"c": centro_id, "s": ultimo, "n": _LOTE},
        ).all()
        if not filas:
            return
        for f in filas:
            m = dict(f._mapping)
            yield EventoSellado(f.seq, campos_sellados(m), f.hash_previo, f.hash)
        ultimo = filas[-1].seq


def auditar(alm: Almacen, centro_slug: str) -> tuple[int, Falla | None]:
    """(eventos revisados, primera falla o None)."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        punta = conn.execute(
            text("SELECT seq, hash FROM cadena WHERE centro_id = :c"), {"c": c.id}
        ).first()
        total = conn.execute(
            text("SELECT count(*) FROM evento WHERE centro_id = :c"), {"c": c.id}
        ).scalar_one()
        falla = verificar(_eventos(conn, c.id), (punta.seq, punta.hash) if punta else None)
    return int(total), falla

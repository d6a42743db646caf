"""Apartado corto de un horario mientras la persona llena sus datos.

Apartar ocupa el lugar en `cita_cupo` con el mismo UPDATE condicionado que una reserva (la BD
impide el sobrecupo) y deja una fila en `cita_apartado` que vence a los `DURACION_MIN`. Nadie
barre en segundo plano: quien intenta ocupar un horario primero libera, en su transacción, los
apartados vencidos de ese horario (DELETE … y resta lo borrado; en PostgreSQL dos que liberan a
la vez no restan dos veces: el segundo DELETE ya no encuentra las filas). Al confirmar, la
reserva consume su apartado en lugar de ocupar otro lugar.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import text

from citas import lecturas
from turnos.db.almacen import Tx
from turnos.tiempo import a_ms

DURACION_MIN = 10

_VENCIDOS = text(
    "DELETE FROM cita_apartado WHERE tramite_id = :t AND inicio_ms = :i AND expira_ms < :ms"
)
_RESTAR = text(
    "UPDATE cita_cupo SET ocupados = ocupados - :n"
    " WHERE tramite_id = :t AND inicio_ms = :i AND ocupados >= :n"
)
_INSERTAR = text(
    "INSERT INTO cita_apartado (token_hash, tramite_id, inicio_ms, expira_ms, creado_ms)"
    " VALUES (:h, :t, :i, :e, :ms)"
)
_SOLTAR = text("DELETE FROM cita_apartado WHERE token_hash = :h RETURNING tramite_id, inicio_ms")
_CONSUMIR = text(
    "DELETE FROM cita_apartado WHERE token_hash = :h AND tramite_id = :t AND inicio_ms = :i"
)
_VENCIDOS_EN = text(
    "SELECT inicio_ms, count(*) FROM cita_apartado WHERE tramite_id = :t"
    " AND inicio_ms >= :desde AND inicio_ms < :hasta AND expira_ms < :ms GROUP BY inicio_ms"
)


def liberar_vencidos(tx: Tx, tramite_id: int, inicio_ms: int, ms: int) -> int:
    n = int(tx.ejecutar(_VENCIDOS, {"t": tramite_id, "i": inicio_ms, "ms": ms}).rowcount)
    if n:
        tx.ejecutar(_RESTAR, {"n": n, "t": tramite_id, "i": inicio_ms})
    return n


def soltar(tx: Tx, token: str | None) -> None:
    """Devuelve el lugar de un apartado (la persona eligió otro horario)."""
    if not token:
        return
    f = tx.ejecutar(_SOLTAR, {"h": lecturas.hash_token(token[:100])}).first()
    if f is not None:
        tx.ejecutar(_RESTAR, {"n": 1, "t": f.tramite_id, "i": f.inicio_ms})


def consumir(tx: Tx, token: str | None, tramite_id: int, inicio_ms: int) -> bool:
    """True si `token` apartaba ese horario: su lugar pasa a la cita (aunque haya vencido, si
    nadie lo liberó todavía, el lugar sigue siendo suyo)."""
    if not token:
        return False
    params = {"h": lecturas.hash_token(token[:100]), "t": tramite_id, "i": inicio_ms}
    return bool(tx.ejecutar(_CONSUMIR, params).rowcount == 1)


def guardar(tx: Tx, tramite_id: int, inicio_ms: int, ahora: datetime) -> dict[str, Any]:
    """Registra el apartado de un lugar ya ocupado en `cita_cupo`; devuelve su token."""
    token = secrets.token_urlsafe(18)
    ms = a_ms(ahora)
    expira = ms + DURACION_MIN * 60_000
    tx.ejecutar(
        _INSERTAR,
        {"h": lecturas.hash_token(token), "t": tramite_id, "i": inicio_ms, "e": expira, "ms": ms},
    )
    return {"apartado": token, "expira_ms": expira}


def vencidos_en(conn: Any, tramite_id: int, desde: int, hasta: int, ms: int) -> dict[int, int]:
    """Apartados vencidos aún sin liberar por horario: ya cuentan como libres."""
    params = {"t": tramite_id, "desde": desde, "hasta": hasta, "ms": ms}
    return {int(i): int(n) for i, n in conn.execute(_VENCIDOS_EN, params).all()}

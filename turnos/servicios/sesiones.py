"""Sesiones del personal guardadas en el servidor.

Se eligió una tabla (y no una «época» por usuario) porque cerrar sesión debe terminar solo esa
sesión, no las de los otros equipos de la misma persona; desactivar, cambiar la contraseña o
«cerrar sesiones» revocan todas las de la cuenta. La cookie firmada lleva un id aleatorio; en la
BD solo está su SHA-256 (una copia de la BD no da sesiones válidas)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen
from turnos.permisos import Actor


def hash_sesion(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def abrir(alm: Almacen, usuario_id: int, ahora_ms: int, horas: int) -> str:
    """Crea una sesión y devuelve su id (va solo en la cookie firmada)."""
    sid = secrets.token_urlsafe(32)
    with alm.transaccion() as tx:
        # Las vencidas de esta cuenta ya no sirven ni para auditar: se borran al entrar.
        tx.ejecutar(
            text("DELETE FROM sesion WHERE usuario_id = :u AND expira_ms < :ahora"),
            {"u": usuario_id, "ahora": ahora_ms},
        )
        tx.ejecutar(
            text(
                "INSERT INTO sesion (hash, usuario_id, creada_ms, expira_ms)"
                " VALUES (:h, :u, :c, :e)"
            ),
            {
                "h": hash_sesion(sid),
                "u": usuario_id,
                "c": ahora_ms,
                "e": ahora_ms + horas * 3600_000,
            },
        )
    return sid


def actor_de_sesion(conn: Connection, hash_: str, ahora_ms: int) -> Actor | None:
    f = conn.execute(
        text(
            "SELECT u.id, u.rol, u.centro_id, u.nombre FROM sesion s JOIN usuario u"
            " ON u.id = s.usuario_id WHERE s.hash = :h AND s.revocada_ms IS NULL"
            " AND s.expira_ms > :ahora AND u.activo = true"
        ),
        {"h": hash_, "ahora": ahora_ms},
    ).first()
    return None if f is None else Actor("usuario", f.id, f.rol, f.centro_id, f.nombre)


def revocar(conn: Connection, hash_: str, ahora_ms: int) -> None:
    conn.execute(
        text("UPDATE sesion SET revocada_ms = :ms WHERE hash = :h AND revocada_ms IS NULL"),
        {"ms": ahora_ms, "h": hash_},
    )


def revocar_de_usuario(
    conn: Connection, usuario_id: int, ahora_ms: int, excepto: str | None = None
) -> int:
    """Revoca las sesiones vigentes de una cuenta (salvo `excepto`); devuelve cuántas."""
    r = conn.execute(
        text(
            "UPDATE sesion SET revocada_ms = :ms WHERE usuario_id = :u AND revocada_ms IS NULL"
            " AND hash <> :x"
        ),
        {"ms": ahora_ms, "u": usuario_id, "x": excepto or ""},
    )
    return int(r.rowcount or 0)

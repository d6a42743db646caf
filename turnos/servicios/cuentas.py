"""Personal (contraseñas argon2), tokens de API y dispositivos desatendidos."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado
from turnos.permisos import Actor, Rol, TipoDispositivo
from turnos.servicios import consultas
from turnos.servicios.destinos_impresora import PoliticaImpresoras, permitir
from turnos.tiempo import a_ms

_hasher = PasswordHasher()
_USUARIO = re.compile(r"^[a-z0-9._-]{3,60}$")
MIN_PASSWORD = 10


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def nuevo_token() -> str:
    return secrets.token_urlsafe(32)


def crear_usuario(
    alm: Almacen, usuario: str, password: str, rol: str, centro_slug: str | None, nombre: str = ""
) -> int:
    usuario = usuario.strip().lower()
    if not _USUARIO.match(usuario):
        raise EntradaInvalida("Usuario: de 3 a 60 minúsculas, números, punto, guion o guion bajo.")
    if rol not in {r.value for r in Rol}:
        raise EntradaInvalida(f"Rol desconocido «{rol}»; use: {', '.join(r.value for r in Rol)}.")
    if len(password) < MIN_PASSWORD:
        raise EntradaInvalida(f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres.")
    if centro_slug is None and rol not in (Rol.ADMIN, Rol.AUDITOR):
        raise EntradaInvalida("Los roles ventanilla y jefe deben pertenecer a un centro.")
    with alm.transaccion() as tx:
        centro_id = consultas.centro(tx.conn, centro_slug).id if centro_slug else None
        if tx.ejecutar(text("SELECT 1 FROM usuario WHERE usuario = :u"), {"u": usuario}).first():
            raise Conflicto(f"Ya existe el usuario «{usuario}».")
        return int(
            tx.ejecutar(
                text(
                    "INSERT INTO usuario (usuario, nombre, hash, rol, centro_id, activo)"
                    " VALUES (:u, :n, :h, :r, :c, true) RETURNING id"
                ),
                {
                    "u": usuario,
                    "n": nombre.strip() or usuario,
                    "h": _hasher.hash(password),
                    "r": rol,
                    "c": centro_id,
                },
            ).scalar_one()
        )


def cambiar_usuario(
    alm: Almacen, usuario_id: int, *, activo: bool | None = None, password: str | None = None
) -> None:
    with alm.transaccion() as tx:
        if activo is not None:
            tx.ejecutar(
                text("UPDATE usuario SET activo = :a WHERE id = :id"),
                {"a": activo, "id": usuario_id},
            )
        if password is not None:
            if len(password) < MIN_PASSWORD:
                raise EntradaInvalida(
                    f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres."
                )
            tx.ejecutar(
                text("UPDATE usuario SET hash = :h WHERE id = :id"),
                {"h": _hasher.hash(password), "id": usuario_id},
            )


def autenticar(alm: Almacen, usuario: str, password: str) -> Actor | None:
    """Actor si usuario y contraseña son correctos y la cuenta está activa."""
    with alm.lectura() as conn:
        f = conn.execute(
            text("SELECT id, hash FROM usuario WHERE usuario = :u AND activo = true"),
            {"u": usuario.strip().lower()},
        ).first()
    try:
        if f is None or not _hasher.verify(f.hash, password):
            return None
    except (VerificationError, InvalidHashError):
        return None
    with alm.lectura() as conn:
        return actor_de_usuario(conn, f.id)


def actor_de_usuario(conn: Connection, usuario_id: int) -> Actor | None:
    f = conn.execute(
        text("SELECT id, rol, centro_id, nombre FROM usuario WHERE id = :id AND activo = true"),
        {"id": usuario_id},
    ).first()
    return None if f is None else Actor("usuario", f.id, f.rol, f.centro_id, f.nombre)


_POR_TOKEN = text(
    "SELECT k.usuario_id, k.dispositivo_id, u.rol, u.centro_id AS u_centro, u.nombre AS u_nombre,"
    " u.activo AS u_activo, d.tipo, d.centro_id AS d_centro, d.nombre AS d_nombre,"
    " d.activo AS d_activo FROM token k LEFT JOIN usuario u ON u.id = k.usuario_id"
    " LEFT JOIN dispositivo d ON d.id = k.dispositivo_id WHERE k.hash = :h AND k.revocado_ms IS NULL"
)


def actor_de_token(conn: Connection, token: str) -> Actor | None:
    f = conn.execute(_POR_TOKEN, {"h": hash_token(token)}).first()
    if f is None:
        return None
    if f.usuario_id is not None:
        return Actor("usuario", f.usuario_id, f.rol, f.u_centro, f.u_nombre) if f.u_activo else None
    if f.dispositivo_id is not None and f.d_activo:
        return Actor("dispositivo", f.dispositivo_id, f.tipo, f.d_centro, f.d_nombre)
    return None


def crear_token_personal(alm: Almacen, usuario: str, ahora: datetime, descripcion: str = "") -> str:
    token = nuevo_token()
    with alm.transaccion() as tx:
        uid = tx.ejecutar(
            text("SELECT id FROM usuario WHERE usuario = :u"), {"u": usuario.strip().lower()}
        ).scalar()
        if uid is None:
            raise NoEncontrado(f"No existe el usuario «{usuario}».")
        tx.ejecutar(
            text(
                "INSERT INTO token (hash, usuario_id, descripcion, creado_ms) VALUES (:h, :u, :d, :ms)"
            ),
            {"h": hash_token(token), "u": uid, "d": descripcion[:200], "ms": a_ms(ahora)},
        )
    return token


def crear_dispositivo(
    alm: Almacen,
    centro_slug: str,
    tipo: str,
    nombre: str,
    ahora: datetime,
    *,
    impresora_url: str = "",
    perfil: str = "",
    actor: Actor | None = None,
    politica: PoliticaImpresoras | None = None,
) -> tuple[int, str]:
    """Registra un dispositivo y devuelve (id, token). El token solo se muestra esta vez.

    Con `actor` (la web) la impresora pasa por la política de la instalación; sin él (CLI,
    demo) se guarda tal cual.
    """
    if actor is not None:
        impresora_url = permitir(impresora_url, politica or PoliticaImpresoras(), actor)
    if tipo not in {t.value for t in TipoDispositivo}:
        raise EntradaInvalida(f"Tipo de dispositivo «{tipo}»; use: kiosco, pantalla o tableta.")
    nombre = nombre.strip()
    if not nombre:
        raise EntradaInvalida("Dé un nombre al dispositivo (p. ej. kiosco-entrada).")
    token = nuevo_token()
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        if tx.ejecutar(
            text("SELECT 1 FROM dispositivo WHERE centro_id = :c AND nombre = :n"),
            {"c": c.id, "n": nombre},
        ).first():
            raise Conflicto(f"Ya existe un dispositivo «{nombre}» en este centro.")
        did = tx.ejecutar(
            text(
                "INSERT INTO dispositivo (centro_id, tipo, nombre, impresora_url, perfil, activo)"
                " VALUES (:c, :t, :n, :i, :p, true) RETURNING id"
            ),
            {"c": c.id, "t": tipo, "n": nombre[:100], "i": impresora_url, "p": perfil},
        ).scalar_one()
        tx.ejecutar(
            text(
                "INSERT INTO token (hash, dispositivo_id, descripcion, creado_ms) VALUES (:h, :d, :desc, :ms)"
            ),
            {"h": hash_token(token), "d": did, "desc": f"{tipo} {nombre}"[:200], "ms": ms},
        )
        tx.evento(
            c.id,
            "dispositivo_creado",
            ms,
            dispositivo_id=did,
            usuario_id=actor.usuario_id if actor else None,
            datos={"tipo": tipo, "nombre": nombre, "impresora": impresora_url.split("?", 1)[0]},
        )
    return int(did), token


def revocar_tokens_dispositivo(alm: Almacen, dispositivo_id: int, ahora: datetime) -> None:
    with alm.transaccion() as tx:
        tx.ejecutar(
            text(
                "UPDATE token SET revocado_ms = :ms WHERE dispositivo_id = :d AND revocado_ms IS NULL"
            ),
            {"ms": a_ms(ahora), "d": dispositivo_id},
        )


def listar_usuarios(conn: Connection, centro_id: int | None) -> list[dict[str, Any]]:
    filtro = "" if centro_id is None else " WHERE u.centro_id = :c"
    return [
        dict(f._mapping)
        for f in conn.execute(
            text(
                "SELECT u.id, u.usuario, u.nombre, u.rol, u.activo, c.slug AS centro FROM usuario u"
                f" LEFT JOIN centro c ON c.id = u.centro_id{filtro} ORDER BY u.usuario"
            ),
            {"c": centro_id},
        )
    ]


def listar_dispositivos(conn: Connection, centro_id: int) -> list[dict[str, Any]]:
    return [
        dict(f._mapping)
        for f in conn.execute(
            text(
                "SELECT d.id, d.tipo, d.nombre, d.impresora_url, d.perfil, d.activo,"
                " (SELECT count(*) FROM token k WHERE k.dispositivo_id = d.id"
                " AND k.revocado_ms IS NULL) AS tokens FROM dispositivo d WHERE d.centro_id = :c"
                " ORDER BY d.tipo, d.nombre"
            ),
            {"c": centro_id},
        )
    ]

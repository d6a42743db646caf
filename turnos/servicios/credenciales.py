"""Tokens de API del personal y dispositivos desatendidos (kiosco, pantalla, tableta): crear y
revocar, cada uno en una transacción con su permiso y su evento en la bitácora de cuentas. El
token en claro solo se devuelve al crearlo; en la BD y en los eventos nunca está."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado
from turnos.permisos import Actor, Permiso, TipoDispositivo, exigir
from turnos.servicios import bitacora_cuentas, consultas
from turnos.servicios.destinos_impresora import PoliticaImpresoras, permitir
from turnos.tiempo import a_ms


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def nuevo_token() -> str:
    return secrets.token_urlsafe(32)


_POR_TOKEN = text(
    "SELECT k.usuario_id, k.dispositivo_id, u.rol, u.centro_id AS u_centro, u.nombre AS u_nombre,"
    " u.activo AS u_activo, d.tipo, d.centro_id AS d_centro, d.nombre AS d_nombre,"
    " d.activo AS d_activo FROM token k LEFT JOIN usuario u ON u.id = k.usuario_id"
    " LEFT JOIN dispositivo d ON d.id = k.dispositivo_id WHERE k.hash = :h AND k.revocado_ms IS NULL"
)


def actor_de_hash(conn: Connection, hash_: str) -> Actor | None:
    f = conn.execute(_POR_TOKEN, {"h": hash_}).first()
    if f is None:
        return None
    if f.usuario_id is not None:
        return Actor("usuario", f.usuario_id, f.rol, f.u_centro, f.u_nombre) if f.u_activo else None
    if f.dispositivo_id is not None and f.d_activo:
        return Actor("dispositivo", f.dispositivo_id, f.tipo, f.d_centro, f.d_nombre)
    return None


def actor_de_token(conn: Connection, token: str) -> Actor | None:
    return actor_de_hash(conn, hash_token(token))


def _autor(quien: Actor | None) -> int | None:
    return quien.usuario_id if quien else None


def crear_token_personal(
    alm: Almacen,
    usuario: str,
    ahora: datetime,
    descripcion: str = "",
    *,
    quien: Actor | None = None,
) -> str:
    """Token de API para una cuenta: la propia, o cualquiera con permiso de administrar usuarios
    (`quien` None: la CLI)."""
    token = nuevo_token()
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        f = tx.ejecutar(
            text("SELECT id, centro_id FROM usuario WHERE usuario = :u"),
            {"u": usuario.strip().lower()},
        ).first()
        if f is None:
            raise NoEncontrado(f"No existe el usuario «{usuario}».")
        if quien is not None and quien.usuario_id != f.id:
            exigir(quien, Permiso.ADMINISTRAR_USUARIOS)
        tid = tx.ejecutar(
            text(
                "INSERT INTO token (hash, usuario_id, descripcion, creado_ms)"
                " VALUES (:h, :u, :d, :ms) RETURNING id"
            ),
            {"h": hash_token(token), "u": f.id, "d": descripcion[:200], "ms": ms},
        ).scalar_one()
        bitacora_cuentas.registrar(
            tx.conn,
            "token_creado",
            ms,
            autor_id=_autor(quien),
            usuario_id=f.id,
            centro_id=f.centro_id,
            datos={"token_id": int(tid), "descripcion": descripcion[:200]},
        )
    return token


def revocar_token_personal(
    alm: Almacen, quien: Actor | None, token_id: int, ahora: datetime
) -> None:
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        f = tx.ejecutar(
            text(
                "SELECT k.usuario_id, u.centro_id FROM token k JOIN usuario u"
                " ON u.id = k.usuario_id WHERE k.id = :t AND k.revocado_ms IS NULL"
            ),
            {"t": token_id},
        ).first()
        if f is None:
            raise NoEncontrado("No existe ese token personal vigente.")
        if quien is not None and quien.usuario_id != f.usuario_id:
            exigir(quien, Permiso.ADMINISTRAR_USUARIOS)
        tx.ejecutar(
            text("UPDATE token SET revocado_ms = :ms WHERE id = :t"), {"ms": ms, "t": token_id}
        )
        bitacora_cuentas.registrar(
            tx.conn,
            "token_revocado",
            ms,
            autor_id=_autor(quien),
            usuario_id=f.usuario_id,
            centro_id=f.centro_id,
            datos={"token_id": token_id},
        )


def crear_dispositivo(
    alm: Almacen,
    centro_slug: str,
    tipo: str,
    nombre: str,
    ahora: datetime,
    *,
    impresora_url: str = "",
    perfil: str = "",
    quien: Actor | None = None,
    politica: PoliticaImpresoras | None = None,
) -> tuple[int, str]:
    """Registra un dispositivo y devuelve (id, token). El token solo se muestra esta vez.

    Con `quien` (la web) la impresora pasa por la política de la instalación; sin él (CLI,
    demo) se guarda tal cual.
    """
    if quien is not None:
        impresora_url = permitir(impresora_url, politica or PoliticaImpresoras(), quien)
    if tipo not in {t.value for t in TipoDispositivo}:
        raise EntradaInvalida(f"Tipo de dispositivo «{tipo}»; use: kiosco, pantalla o tableta.")
    nombre = nombre.strip()
    if not nombre:
        raise EntradaInvalida("Dé un nombre al dispositivo (p. ej. kiosco-entrada).")
    if len(nombre) > 100:
        raise EntradaInvalida("El nombre del dispositivo admite hasta 100 caracteres.")
    token = nuevo_token()
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        if quien is not None:
            exigir(quien, Permiso.ADMINISTRAR, c.id)
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
        tx.evento(  # también en la bitácora del centro, como siempre
            c.id,
            "dispositivo_creado",
            ms,
            dispositivo_id=did,
            usuario_id=quien.usuario_id if quien else None,
            datos={"tipo": tipo, "nombre": nombre, "impresora": impresora_url.split("?", 1)[0]},
        )
        bitacora_cuentas.registrar(
            tx.conn,
            "dispositivo_creado",
            ms,
            autor_id=_autor(quien),
            dispositivo_id=int(did),
            centro_id=c.id,
            datos={"tipo": tipo},
        )
    return int(did), token


def revocar_tokens_dispositivo(
    alm: Almacen,
    dispositivo_id: int,
    ahora: datetime,
    *,
    quien: Actor | None = None,
    centro_slug: str | None = None,
) -> int:
    """Revoca los tokens vigentes de un dispositivo; devuelve cuántos. Con `centro_slug`, el
    dispositivo debe ser de ese centro (lo que la persona ve en pantalla)."""
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        centro_id = tx.ejecutar(
            text("SELECT centro_id FROM dispositivo WHERE id = :d"), {"d": dispositivo_id}
        ).scalar()
        if centro_id is None or (
            centro_slug is not None and consultas.centro(tx.conn, centro_slug).id != centro_id
        ):
            raise NoEncontrado("Ese dispositivo no es de este centro.")
        if quien is not None:
            exigir(quien, Permiso.ADMINISTRAR, centro_id)
        n = tx.ejecutar(
            text(
                "UPDATE token SET revocado_ms = :ms WHERE dispositivo_id = :d AND revocado_ms IS NULL"
            ),
            {"ms": ms, "d": dispositivo_id},
        ).rowcount
        bitacora_cuentas.registrar(
            tx.conn,
            "dispositivo_revocado",
            ms,
            autor_id=_autor(quien),
            dispositivo_id=dispositivo_id,
            centro_id=centro_id,
            datos={"tokens": int(n or 0)},
        )
    return int(n or 0)


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

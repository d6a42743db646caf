"""Cuentas del personal (contraseñas argon2) como servicios auditados: crear, desactivar,
reactivar, cambiar rol, restablecer o cambiar contraseña y cerrar sesiones. Cada comando es una
transacción que revisa el permiso de quien lo pide y escribe su evento en la bitácora de cuentas.
Tokens y dispositivos: `credenciales` (se reexportan aquí por compatibilidad)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, text

from turnos import tiempo
from turnos.db.almacen import Almacen
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado, Prohibido
from turnos.permisos import Actor, Permiso, Rol, exigir
from turnos.servicios import bitacora_cuentas, consultas, sesiones
from turnos.servicios.credenciales import (  # noqa: F401 - reexportados (ver __all__)
    actor_de_hash,
    actor_de_token,
    crear_dispositivo,
    crear_token_personal,
    hash_token,
    listar_dispositivos,
    nuevo_token,
    revocar_token_personal,
    revocar_tokens_dispositivo,
)
from turnos.tiempo import a_ms

__all__ = [
    "MIN_PASSWORD",
    "actor_de_hash",
    "actor_de_token",
    "actor_de_usuario",
    "autenticar",
    "cambiar_contrasena",
    "cambiar_rol",
    "cambiar_usuario",
    "cerrar_sesiones",
    "crear_dispositivo",
    "crear_token_personal",
    "crear_usuario",
    "debe_cambiar",
    "desactivar",
    "hash_token",
    "listar_dispositivos",
    "listar_usuarios",
    "nuevo_token",
    "reactivar",
    "restablecer_contrasena",
    "revocar_token_personal",
    "revocar_tokens_dispositivo",
    "validar_contrasena",
]

_hasher = PasswordHasher()
_USUARIO = re.compile(r"^[a-z0-9._-]{3,60}$")
MIN_PASSWORD = 10


def _ms(ahora: datetime | None) -> int:
    return a_ms(ahora or tiempo.ahora())


def validar_contrasena(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise EntradaInvalida(f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres.")


def _exigir_sobre(quien: Actor | None, rol: str, centro_id: int | None) -> None:
    """Permiso para administrar una cuenta de `rol` en `centro_id`. `quien` None: la CLI, que
    usa quien opera la instalación. Las cuentas estatales (sin centro), las de administración y
    las de contraloría (investiga denuncias, también sobre la jefatura) solo las administra el
    rol admin."""
    if quien is None:
        return
    if rol in (Rol.ADMIN, Rol.CONTRALORIA) or centro_id is None:
        if not quien.puede(Permiso.ADMINISTRAR_USUARIOS):
            raise Prohibido(
                "Solo administración crea o cambia cuentas de administración, contraloría"
                " o estatales."
            )
    else:
        exigir(quien, Permiso.ADMINISTRAR, centro_id)


def _cuenta(conn: Connection, usuario: int | str) -> Any:
    campo = "id" if isinstance(usuario, int) else "usuario"
    valor = usuario if isinstance(usuario, int) else usuario.strip().lower()
    f = conn.execute(
        text(f"SELECT id, usuario, rol, centro_id, activo, hash FROM usuario WHERE {campo} = :v"),
        {"v": valor},
    ).first()
    if f is None:
        raise NoEncontrado(f"No existe el usuario «{usuario}».")
    return f


def crear_usuario(
    alm: Almacen,
    usuario: str,
    password: str,
    rol: str,
    centro_slug: str | None,
    nombre: str = "",
    *,
    quien: Actor | None = None,
    ahora: datetime | None = None,
) -> int:
    usuario = usuario.strip().lower()
    if not _USUARIO.match(usuario):
        raise EntradaInvalida("Usuario: de 3 a 60 minúsculas, números, punto, guion o guion bajo.")
    if rol not in {r.value for r in Rol}:
        raise EntradaInvalida(f"Rol desconocido «{rol}»; use: {', '.join(r.value for r in Rol)}.")
    if len(nombre.strip()) > 200:
        raise EntradaInvalida("«Nombre» admite hasta 200 caracteres.")
    validar_contrasena(password)
    if centro_slug is None and rol not in (Rol.ADMIN, Rol.AUDITOR):
        raise EntradaInvalida("Los roles ventanilla y jefe deben pertenecer a un centro.")
    with alm.transaccion() as tx:
        centro_id = consultas.centro(tx.conn, centro_slug).id if centro_slug else None
        _exigir_sobre(quien, rol, centro_id)
        if tx.ejecutar(text("SELECT 1 FROM usuario WHERE usuario = :u"), {"u": usuario}).first():
            raise Conflicto(f"Ya existe el usuario «{usuario}».")
        uid = int(
            tx.ejecutar(
                text(
                    "INSERT INTO usuario (usuario, nombre, hash, rol, centro_id, activo,"
                    " debe_cambiar) VALUES (:u, :n, :h, :r, :c, true, false) RETURNING id"
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
        bitacora_cuentas.registrar(
            tx.conn,
            "cuenta_creada",
            _ms(ahora),
            autor_id=quien.usuario_id if quien else None,
            usuario_id=uid,
            centro_id=centro_id,
            datos={"rol": rol},
        )
        return uid


def _sobre_cuenta(
    alm: Almacen,
    quien: Actor | None,
    usuario: int | str,
    ahora: datetime | None,
    tipo: str,
    sql: str | None,
    params: dict[str, Any] | None = None,
    datos: dict[str, Any] | None = None,
    revocar: bool = False,
) -> Any:
    """El esqueleto de los comandos sobre una cuenta: permiso, cambio, revocación y evento, en
    una sola transacción."""
    ms = _ms(ahora)
    with alm.transaccion() as tx:
        c = _cuenta(tx.conn, usuario)
        _exigir_sobre(quien, c.rol, c.centro_id)
        if sql:
            tx.ejecutar(text(sql), {"id": c.id, **(params or {})})
        extra = dict(datos or {})
        if revocar:
            extra["sesiones"] = sesiones.revocar_de_usuario(tx.conn, c.id, ms)
        bitacora_cuentas.registrar(
            tx.conn,
            tipo,
            ms,
            autor_id=quien.usuario_id if quien else None,
            usuario_id=c.id,
            centro_id=c.centro_id,
            datos=extra,
        )
        return c


def _no_a_si_mismo(quien: Actor | None, usuario: int | str, alm: Almacen, que: str) -> None:
    if quien is None or quien.usuario_id is None:
        return
    with alm.lectura() as conn:
        if _cuenta(conn, usuario).id == quien.usuario_id:
            raise Conflicto(f"No puede {que} su propia cuenta.")


def desactivar(alm: Almacen, quien: Actor | None, usuario: int | str, ahora: datetime) -> None:
    """Desactiva la cuenta y termina sus sesiones (sus tokens dejan de valer con ella)."""
    _no_a_si_mismo(quien, usuario, alm, "desactivar")
    _sobre_cuenta(
        alm,
        quien,
        usuario,
        ahora,
        "cuenta_desactivada",
        "UPDATE usuario SET activo = false WHERE id = :id",
        revocar=True,
    )


def reactivar(alm: Almacen, quien: Actor | None, usuario: int | str, ahora: datetime) -> None:
    _sobre_cuenta(
        alm,
        quien,
        usuario,
        ahora,
        "cuenta_reactivada",
        "UPDATE usuario SET activo = true WHERE id = :id",
    )


def cambiar_rol(
    alm: Almacen, quien: Actor | None, usuario: int | str, rol: str, ahora: datetime
) -> None:
    if rol not in {r.value for r in Rol}:
        raise EntradaInvalida(f"Rol desconocido «{rol}»; use: {', '.join(r.value for r in Rol)}.")
    _no_a_si_mismo(quien, usuario, alm, "cambiar el rol de")
    with alm.lectura() as conn:
        c = _cuenta(conn, usuario)
    _exigir_sobre(quien, rol, c.centro_id)  # también sobre el rol de destino
    if c.centro_id is None and rol not in (Rol.ADMIN, Rol.AUDITOR):
        raise EntradaInvalida("Los roles ventanilla y jefe deben pertenecer a un centro.")
    if rol == Rol.ADMIN and c.centro_id is not None:
        raise EntradaInvalida("Una cuenta de administración no pertenece a un centro.")
    # Las sesiones abiertas se terminan: el rol nuevo vale desde el siguiente inicio de sesión.
    _sobre_cuenta(
        alm,
        quien,
        c.id,
        ahora,
        "rol_cambiado",
        "UPDATE usuario SET rol = :r WHERE id = :id",
        {"r": rol},
        {"antes": c.rol, "despues": rol},
        revocar=True,
    )


def restablecer_contrasena(
    alm: Almacen,
    quien: Actor | None,
    usuario: int | str,
    nueva: str,
    ahora: datetime,
    *,
    obligar_cambio: bool = True,
) -> None:
    """Pone una contraseña (temporal si `obligar_cambio`) y termina todas las sesiones."""
    validar_contrasena(nueva)
    _sobre_cuenta(
        alm,
        quien,
        usuario,
        ahora,
        "contrasena_restablecida",
        "UPDATE usuario SET hash = :h, debe_cambiar = :o WHERE id = :id",
        {"h": _hasher.hash(nueva), "o": obligar_cambio},
        {"obligar_cambio": obligar_cambio},
        revocar=True,
    )


def cerrar_sesiones(alm: Almacen, quien: Actor | None, usuario: int | str, ahora: datetime) -> None:
    _sobre_cuenta(alm, quien, usuario, ahora, "sesiones_cerradas", None, revocar=True)


def cambiar_contrasena(
    alm: Almacen,
    quien: Actor,
    actual: str,
    nueva: str,
    ahora: datetime,
    sesion_actual: str | None = None,
) -> None:
    """La propia contraseña: exige la actual; termina las demás sesiones (no la de `sesion_actual`,
    el hash de la sesión desde la que se cambia)."""
    if quien.usuario_id is None:
        raise Prohibido("Solo el personal tiene contraseña.")
    validar_contrasena(nueva)
    if nueva == actual:
        raise EntradaInvalida("La contraseña nueva debe ser distinta de la actual.")
    with alm.lectura() as conn:
        c = _cuenta(conn, quien.usuario_id)
    if not _verifica(c.hash, actual):
        raise EntradaInvalida("La contraseña actual no es correcta.")
    ms = _ms(ahora)
    with alm.transaccion() as tx:
        tx.ejecutar(
            text("UPDATE usuario SET hash = :h, debe_cambiar = false WHERE id = :id"),
            {"h": _hasher.hash(nueva), "id": c.id},
        )
        n = sesiones.revocar_de_usuario(tx.conn, c.id, ms, excepto=sesion_actual)
        bitacora_cuentas.registrar(
            tx.conn,
            "contrasena_cambiada",
            ms,
            autor_id=c.id,
            usuario_id=c.id,
            centro_id=c.centro_id,
            datos={"sesiones": n},
        )


def cambiar_usuario(
    alm: Almacen, usuario_id: int, *, activo: bool | None = None, password: str | None = None
) -> None:
    """Atajo del sistema (la demo): reactivar y fijar contraseña sin obligar a cambiarla."""
    ahora = tiempo.ahora()
    if activo is True:
        reactivar(alm, None, usuario_id, ahora)
    elif activo is False:
        desactivar(alm, None, usuario_id, ahora)
    if password is not None:
        restablecer_contrasena(alm, None, usuario_id, password, ahora, obligar_cambio=False)


def _verifica(hash_: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(hash_, password))
    except (VerificationError, InvalidHashError):
        return False


def debe_cambiar(conn: Connection, usuario_id: int) -> bool:
    return bool(
        conn.execute(
            text("SELECT debe_cambiar FROM usuario WHERE id = :id"), {"id": usuario_id}
        ).scalar()
    )


def autenticar(alm: Almacen, usuario: str, password: str) -> Actor | None:
    """Actor si usuario y contraseña son correctos y la cuenta está activa."""
    with alm.lectura() as conn:
        f = conn.execute(
            text("SELECT id, hash FROM usuario WHERE usuario = :u AND activo = true"),
            {"u": usuario.strip().lower()},
        ).first()
    if f is None or not _verifica(f.hash, password):
        return None
    with alm.lectura() as conn:
        return actor_de_usuario(conn, f.id)


def actor_de_usuario(conn: Connection, usuario_id: int) -> Actor | None:
    f = conn.execute(
        text("SELECT id, rol, centro_id, nombre FROM usuario WHERE id = :id AND activo = true"),
        {"id": usuario_id},
    ).first()
    return None if f is None else Actor("usuario", f.id, f.rol, f.centro_id, f.nombre)


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

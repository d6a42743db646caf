"""Límites del inicio de sesión: cuántos fallos se toleran por usuario y por dirección (y la
anotación en la bitácora cuando se llega al bloqueo). Lo usa `acceso.login`."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text

from turnos.servicios import bitacora_cuentas

log = logging.getLogger("turnos.web.personal")  # el mismo registrador de siempre

# Solo cuentan los fallos: una oficina entera tras una misma dirección entra sin tropiezos.
# El límite corto por usuario se cuenta por (usuario, dirección): desde otra dirección nadie
# deja fuera a una persona con cinco fallos a propósito. El tope por usuario desde cualquier
# dirección es alto: frena adivinar desde muchas direcciones sin volverse un botón de bloqueo.
LIMITE_POR_USUARIO = "5/minute;20/hour"
LIMITE_USUARIO_GLOBAL = "60/hour"
LIMITE_POR_DIRECCION = "20/minute;200/hour"


def claves(usuario: str, ip: str) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (LIMITE_POR_USUARIO, ("login-u", usuario, ip)),
        (LIMITE_USUARIO_GLOBAL, ("login-ug", usuario)),
        (LIMITE_POR_DIRECCION, ("login-ip", ip)),
    ]


def espera(limitador: Any, usuario: str, ip: str) -> int:
    return int(max(limitador.espera(reglas, *ids) for reglas, ids in claves(usuario, ip)))


def fallo(alm: Any, limitador: Any, usuario: str, ip: str, ahora_ms: int) -> None:
    """Cuenta el fallo; si con él se llega al límite, lo deja en la bitácora de cuentas (una
    vez por bloqueo, no por intento: la bitácora no se vuelve un amplificador)."""
    libres_antes = not espera(limitador, usuario, ip)
    for reglas, ids in claves(usuario, ip):
        limitador.contar(reglas, *ids)
    bloqueado = espera(limitador, usuario, ip)
    log.info("inicio de sesión fallido para «%s» desde %s", usuario, ip)  # nunca la contraseña
    if libres_antes and bloqueado:
        log.warning("inicio de sesión bloqueado para «%s» desde %s", usuario, ip)
        with alm.transaccion() as tx:
            uid = tx.ejecutar(
                text("SELECT id FROM usuario WHERE usuario = :u"), {"u": usuario}
            ).scalar()
            bitacora_cuentas.registrar(
                tx.conn,
                "login_bloqueado",
                ahora_ms,
                usuario_id=uid,
                datos={"direccion": ip, **({} if uid else {"usuario": usuario})},
            )

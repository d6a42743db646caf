"""Quién hace la petición: token Bearer (dispositivos, tokens personales) o sesión del personal.
CSRF para formularios y para la API usada con cookie."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from turnos.errores import Prohibido
from turnos.permisos import Actor
from turnos.servicios import cuentas


def _token_de(conn: HTTPConnection) -> str | None:
    cabecera = conn.headers.get("authorization", "")
    if cabecera.lower().startswith("bearer "):
        return cabecera[7:].strip() or None
    return None


def _resolver(alm: Any, token: str | None, uid: int | None) -> Actor | None:
    with alm.lectura() as c:
        if token:
            return cuentas.actor_de_token(c, token)
        if uid is not None:
            return cuentas.actor_de_usuario(c, uid)
    return None


class CacheActores:
    """Actores resueltos recientemente (token o sesión): ahorra una lectura por petición.

    Un token revocado o una cuenta desactivada dejan de valer a más tardar en `ttl_s` segundos."""

    def __init__(self, ttl_s: float = 10.0, maximo: int = 10_000) -> None:
        self.ttl_s, self.maximo = ttl_s, maximo
        self._datos: dict[tuple[str, Any], tuple[float, Actor | None]] = {}
        self._candado = threading.Lock()

    def obtener(self, clave: tuple[str, Any]) -> tuple[bool, Actor | None]:
        registro = self._datos.get(clave)
        if registro is None or registro[0] < time.monotonic():
            return False, None
        return True, registro[1]

    def guardar(self, clave: tuple[str, Any], actor: Actor | None) -> None:
        with self._candado:
            if len(self._datos) >= self.maximo:
                self._datos.clear()
            self._datos[clave] = (time.monotonic() + self.ttl_s, actor)

    def olvidar(self) -> None:
        with self._candado:
            self._datos.clear()


async def actor(conn: HTTPConnection, *, permitir_query: bool = False) -> Actor | None:
    """El actor de la petición o None. `permitir_query`: websockets aceptan ?token=…"""
    token = _token_de(conn)
    if token is None and permitir_query:
        token = conn.query_params.get("token") or None
    uid = None if token else conn.session.get("uid") if "session" in conn.scope else None
    if token is None and uid is None:
        return None
    cache: CacheActores = conn.app.state.actores
    clave = ("t", cuentas.hash_token(token)) if token else ("u", uid)
    hallado, quien = cache.obtener(clave)
    if not hallado:
        quien = await run_in_threadpool(_resolver, conn.app.state.alm, token, uid)
        cache.guardar(clave, quien)
    return quien


def por_sesion(conn: HTTPConnection) -> bool:
    return _token_de(conn) is None and "session" in conn.scope and "uid" in conn.session


async def actor_con_csrf(conn: HTTPConnection) -> Actor | None:
    """La regla CSRF de las llamadas JSON, en un solo lugar: con sesión (cookie), una escritura
    exige la cabecera X-CSRF-Token; un token Bearer no la necesita (el navegador no lo manda solo).
    """
    quien = await actor(conn)
    if quien is not None and por_sesion(conn) and conn.scope.get("method") not in ("GET", "HEAD"):
        verificar_csrf(conn, conn.headers.get("x-csrf-token"))
    return quien


def csrf_token(conn: HTTPConnection) -> str:
    token = conn.session.get("csrf")
    if not token:
        token = conn.session["csrf"] = secrets.token_urlsafe(24)
    return str(token)


def verificar_csrf(conn: HTTPConnection, enviado: str | None) -> None:
    esperado = conn.session.get("csrf", "")
    if not enviado or not esperado or not hmac.compare_digest(str(enviado), str(esperado)):
        raise Prohibido(
            "El formulario expiró o no es válido; recargue la página e intente de nuevo.", "csrf"
        )

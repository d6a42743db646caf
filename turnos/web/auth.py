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
from turnos.servicios import credenciales, sesiones
from turnos.tiempo import a_ms


def _token_de(conn: HTTPConnection) -> str | None:
    cabecera = conn.headers.get("authorization", "")
    if cabecera.lower().startswith("bearer "):
        return cabecera[7:].strip() or None
    return None


Credencial = tuple[str, str]  # ("t", sha256 del token) o ("s", sha256 del id de sesión)


def resolver(alm: Any, credencial: Credencial, ahora_ms: int) -> Actor | None:
    """El actor vigente de una credencial, leído de la BD (sin caché)."""
    tipo, hash_ = credencial
    with alm.lectura() as c:
        if tipo == "t":
            return credenciales.actor_de_hash(c, hash_)
        return sesiones.actor_de_sesion(c, hash_, ahora_ms)


class CacheActores:
    """Actores resueltos recientemente (token o sesión): ahorra una lectura por petición.

    Revocar (cerrar sesión, desactivar, cambiar contraseña, revocar un token) vacía la caché del
    proceso que lo hace: ahí vale de inmediato. Los demás procesos (varios workers, o la CLI) no
    se enteran: la revocación les vale a más tardar en `ttl_s` segundos, y lo mismo a sus
    websockets abiertos (ver `conexiones`)."""

    def __init__(self, ttl_s: float = 10.0, maximo: int = 10_000) -> None:
        self.ttl_s, self.maximo = ttl_s, maximo
        self._datos: dict[Credencial, tuple[float, Actor | None]] = {}
        self._candado = threading.Lock()

    def obtener(self, clave: Credencial) -> tuple[bool, Actor | None]:
        registro = self._datos.get(clave)
        if registro is None or registro[0] < time.monotonic():
            return False, None
        return True, registro[1]

    def guardar(self, clave: Credencial, actor: Actor | None) -> None:
        with self._candado:
            if len(self._datos) >= self.maximo:
                self._datos.clear()
            self._datos[clave] = (time.monotonic() + self.ttl_s, actor)

    def olvidar(self) -> None:
        with self._candado:
            self._datos.clear()


def credencial(conn: HTTPConnection, *, permitir_query: bool = False) -> Credencial | None:
    token = _token_de(conn)
    if token is None and permitir_query:
        token = conn.query_params.get("token") or None
    if token:
        return ("t", credenciales.hash_token(token))
    sid = conn.session.get("sid") if "session" in conn.scope else None
    return ("s", sesiones.hash_sesion(str(sid))) if sid else None


async def actor(conn: HTTPConnection, *, permitir_query: bool = False) -> Actor | None:
    """El actor de la petición o None. `permitir_query`: websockets aceptan ?token=…"""
    clave = credencial(conn, permitir_query=permitir_query)
    if clave is None:
        return None
    conn.scope["turnos.credencial"] = clave  # para `conexiones.registrar`
    cache: CacheActores = conn.app.state.actores
    hallado, quien = cache.obtener(clave)
    if not hallado:
        ahora_ms = a_ms(conn.app.state.reloj())
        quien = await run_in_threadpool(resolver, conn.app.state.alm, clave, ahora_ms)
        cache.guardar(clave, quien)
    return quien


def por_sesion(conn: HTTPConnection) -> bool:
    return _token_de(conn) is None and "session" in conn.scope and "sid" in conn.session


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

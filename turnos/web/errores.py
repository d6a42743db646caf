"""Traducción de errores a HTTP en un solo lugar: JSON {"error", "mensaje"} en la API, HTML en
páginas. Nunca un 500 por entrada inválida."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from turnos.errores import DemasiadosIntentos, TurnosError

log = logging.getLogger("turnos.web")

_HTTP = {
    400: ("peticion_invalida", "La petición no es válida."),
    401: ("no_autenticado", "Inicie sesión o envíe un token válido."),
    403: ("prohibido", "No tiene permiso para esta acción."),
    404: ("no_encontrado", "No existe esa dirección."),
    405: ("metodo_no_permitido", "Método no permitido en esta dirección."),
    413: ("cuerpo_demasiado_grande", "El cuerpo de la petición es demasiado grande."),
}


def _es_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/salud"))


def respuesta_error(request: Request, status: int, codigo: str, mensaje: str) -> Response:
    if _es_api(request):
        return JSONResponse({"error": codigo, "mensaje": mensaje}, status_code=status)
    plantillas: Jinja2Templates = request.app.state.plantillas
    return plantillas.TemplateResponse(
        request, "error.html", {"status": status, "mensaje": mensaje}, status_code=status
    )


async def turnos_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TurnosError)
    r = respuesta_error(request, exc.status, exc.codigo, exc.mensaje)
    if isinstance(exc, DemasiadosIntentos):
        r.headers["Retry-After"] = str(exc.reintentar_s)
    return r


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codigo, mensaje = _HTTP.get(exc.status_code, ("error", str(exc.detail)))
    respuesta = respuesta_error(request, exc.status_code, codigo, mensaje)
    respuesta.headers.update(exc.headers or {})  # p. ej. «Allow» de un 405
    return respuesta


async def integridad_error(request: Request, exc: Exception) -> Response:
    # Respaldo: una restricción UNIQUE atrapó una carrera que el servicio no vio venir.
    log.warning("restricción de integridad: %s", type(exc).__name__)
    return respuesta_error(
        request, 409, "conflicto", "La operación chocó con otra al mismo tiempo; intente de nuevo."
    )


async def datos_error(request: Request, exc: Exception) -> Response:
    # La BD rechazó un valor (NUL en PostgreSQL, número fuera del tipo de la columna): es entrada.
    log.info("la base de datos rechazó un valor: %s", type(getattr(exc, "orig", exc)).__name__)
    return respuesta_error(
        request, 400, "valor_invalido", "Un valor enviado no es válido (caracteres o tamaño)."
    )


def clase_operacional(exc: OperationalError) -> str:
    """«conexion» (la BD no responde), «reintentar» (deadlock, serialización, SQLite ocupada) o
    «defecto» (un error de SQL nuestro: debe verse como 500 y en el log)."""
    if exc.connection_invalidated:
        return "conexion"
    orig = exc.orig
    estado = getattr(orig, "sqlstate", None)  # psycopg
    if estado:
        if estado.startswith("40"):  # 40001 serialización, 40P01 deadlock
            return "reintentar"
        if estado.startswith(("08", "53", "57P")):  # conexión, recursos, apagado
            return "conexion"
        return "defecto"
    nombre = getattr(orig, "sqlite_errorname", None)  # sqlite3
    if nombre is not None:
        if nombre.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return "reintentar"
        if nombre.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL")):
            return "conexion"
        return "defecto"
    return "conexion"  # psycopg sin SQLSTATE: falló la conexión misma


async def operacional_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OperationalError)
    clase = clase_operacional(exc)
    if clase == "reintentar":
        log.warning("choque de transacciones: %s", type(exc.orig).__name__)
        return respuesta_error(
            request, 409, "intente_de_nuevo", "La operación chocó con otra; intente de nuevo."
        )
    if clase == "defecto":
        log.error("error de SQL: %s", type(exc.orig).__name__)
        raise exc  # un defecto: 500 con su traza en el log (y las pruebas lo ven)
    log.error("base de datos no disponible: %s", type(exc.orig).__name__)
    return respuesta_error(
        request, 503, "bd_no_disponible", "La base de datos no responde; intente en un momento."
    )


MANEJADORES = {
    TurnosError: turnos_error,
    HTTPException: http_error,
    IntegrityError: integridad_error,
    DataError: datos_error,
    OperationalError: operacional_error,
}

"""Traducción de errores a HTTP en un solo lugar: JSON {"error", "mensaje"} en la API, HTML en
páginas. Nunca un 500 por entrada inválida."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from turnos.errores import DemasiadosIntentos, TurnosError

log = logging.getLogger("turnos.web")

_HTTP = {
    400: ("peticion_invalida", "La petición no es válida."),
    401: ("no_autenticado", "Inicie sesión o envíe un token válido."),
    403: ("prohibido", "No tiene permiso para esta acción."),
    404: ("no_encontrado", "No existe esa dirección."),
    405: ("metodo_no_permitido", "Método no permitido en esta dirección."),
}


def _es_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/salud"))


def respuesta_error(request: Request, status: int, codigo: str, mensaje: str) -> Response:
    if _es_api(request):
        return JSONResponse({"error": codigo, "mensaje": mensaje}, status_code=status)
    plantillas = request.app.state.plantillas
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
    return respuesta_error(request, exc.status_code, codigo, mensaje)


async def integridad_error(request: Request, exc: Exception) -> Response:
    # Respaldo: una restricción UNIQUE atrapó una carrera que el servicio no vio venir.
    log.warning("restricción de integridad: %s", type(exc).__name__)
    return respuesta_error(
        request, 409, "conflicto", "La operación chocó con otra al mismo tiempo; intente de nuevo."
    )


async def operacional_error(request: Request, exc: Exception) -> Response:
    log.error("base de datos no disponible: %s", exc.__class__.__name__)
    return respuesta_error(
        request, 503, "bd_no_disponible", "La base de datos no responde; intente en un momento."
    )


MANEJADORES = {
    TurnosError: turnos_error,
    HTTPException: http_error,
    IntegrityError: integridad_error,
    OperationalError: operacional_error,
}

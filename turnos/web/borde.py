"""El borde HTTP de la app, en un solo lugar: límite de tamaño del cuerpo, CSP y
`Cache-Control: no-store` por omisión, cookie `Secure` si la URL pública es https y la máscara de
secretos (tokens, enlaces /t/{token}) en el log de acceso de uvicorn."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from turnos.errores import DemasiadoGrande
from turnos.settings import Settings

LIMITE_CUERPO = 1024 * 1024  # bytes por petición (formularios y JSON)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_MENSAJE_GRANDE = f"El cuerpo de la petición admite a lo más {LIMITE_CUERPO // 1024} KiB."


def _error(status: int, codigo: str, mensaje: str) -> JSONResponse:
    return JSONResponse({"error": codigo, "mensaje": mensaje}, status_code=status)


class Borde:
    """Middleware ASGI: corta cuerpos grandes, pone las cabeceras de seguridad en toda respuesta y
    CSP y no-store donde la ruta no los puso."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        estatico = scope["path"].startswith("/static/")

        async def enviar(mensaje: Message) -> None:
            if mensaje["type"] == "http.response.start":
                cabeceras = Headers(raw=mensaje.get("headers", []))
                # Siempre: los enlaces /t/{token} no deben filtrarse por Referer ni en un marco.
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                if not estatico and "cache-control" not in cabeceras:
                    extra.append((b"cache-control", b"no-store"))
                if cabeceras.get("content-type", "").startswith("text/html") and (
                    "content-security-policy" not in cabeceras
                ):
                    extra.append((b"content-security-policy", CSP.encode()))
                mensaje["headers"] = [*mensaje.get("headers", []), *extra]
            await send(mensaje)

        largo = Headers(scope=scope).get("content-length")
        if largo is not None:
            if not largo.strip().isdigit():
                await _error(400, "peticion_invalida", "Content-Length no válido.")(
                    scope, receive, enviar
                )
                return
            if int(largo) > LIMITE_CUERPO:
                await _error(413, DemasiadoGrande.codigo, _MENSAJE_GRANDE)(scope, receive, enviar)
                return
        recibido = 0

        async def recibir() -> Message:
            nonlocal recibido
            mensaje = await receive()
            if mensaje["type"] == "http.request":
                recibido += len(mensaje.get("body", b""))
                if recibido > LIMITE_CUERPO:  # cuerpo por trozos sin Content-Length
                    raise DemasiadoGrande(_MENSAJE_GRANDE)
            return mensaje

        await self.app(scope, recibir, enviar)


# -- secretos fuera del log de acceso ---------------------------------------------------------

MASCARA = "***"
# Rutas cuyo siguiente segmento es un secreto (enlaces del ciudadano y sus websockets).
_RUTA_SECRETA = re.compile(
    r"(/(?:t|ws/t|api/v1/turnos|api/v1/seguimiento|api/v1/citas|citas|api/v1/encuestas)/)"
    r"(?!cancelar\b)[^/?#\s\"']+"
)
_PARAMETRO_SECRETO = re.compile(r"([?&](?:token|clave|access_token)=)[^&#\s\"']*", re.I)
# Cualquier otro segmento con forma de token (token_urlsafe: mayúsculas, minúsculas y dígitos).
_PARECE_TOKEN = re.compile(r"(?<=/)(?=[\w-]*[A-Z])(?=[\w-]*[a-z])(?=[\w-]*[0-9])[\w-]{20,}")


def enmascarar(texto: str) -> str:
    texto = _RUTA_SECRETA.sub(rf"\1{MASCARA}", texto)
    texto = _PARAMETRO_SECRETO.sub(rf"\1{MASCARA}", texto)
    return _PARECE_TOKEN.sub(MASCARA, texto)


class MascaraSecretos(logging.Filter):
    """Filtro de logging: enmascara tokens en los argumentos de cada registro."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(enmascarar(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str) and not record.args:
            record.msg = enmascarar(record.msg)
        return True


def instalar_mascara() -> None:
    """En el log de acceso y en el de uvicorn (ahí van las rutas de los websockets)."""
    for nombre in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(nombre)
        if not any(isinstance(f, MascaraSecretos) for f in logger.filters):
            logger.addFilter(MascaraSecretos())


def ajustar(settings: Settings) -> Settings:
    """Lo que el borde decide al crear la app: máscara del log y cookies `Secure` con https."""
    instalar_mascara()
    if settings.url_publica.strip().lower().startswith("https://"):
        settings = replace(settings, cookie_segura=True)
    return settings


def opciones_uvicorn() -> dict[str, Any]:
    """Opciones de uvicorn para `turnos serve`: plazos y límites de conexiones."""
    from turnos.web.protocolo import ProtocoloConPlazo  # lee su plazo del entorno (cada proceso)

    return {
        "http": ProtocoloConPlazo,  # cierra conexiones que no terminan sus cabeceras a tiempo
        "timeout_keep_alive": 5,  # conexión ociosa entre peticiones
        "limit_concurrency": 1000,  # por proceso (websockets incluidos); más: 503
        "backlog": 2048,
        "h11_max_incomplete_event_size": 16 * 1024,
    }

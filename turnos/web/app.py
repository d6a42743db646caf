"""Fábrica de la aplicación: `crear_app(settings)`. Nada se conecta al importar."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from turnos import tiempo
from turnos.db.almacen import Almacen
from turnos.db.motor import crear_motor
from turnos.settings import Settings
from turnos.web import admin, api, borde, personal, tiempo_real
from turnos.web.auth import CacheActores
from turnos.web.errores import MANEJADORES

RAIZ = Path(__file__).resolve().parent.parent
log = logging.getLogger("turnos")


def obtener_secreto(motor: Engine) -> str:
    """La llave de sesión de la instalación: se genera una vez y se guarda en la BD."""
    with motor.begin() as conn:
        valor = conn.execute(
            text("SELECT valor FROM ajuste WHERE clave = 'secreto_sesion'")
        ).scalar()
        if valor is None:
            valor = secrets.token_urlsafe(48)
            conn.execute(
                text("INSERT INTO ajuste (clave, valor) VALUES ('secreto_sesion', :v)"),
                {"v": valor},
            )
    return str(valor)


class CabecerasSeguras:
    """Cabeceras de seguridad en cada respuesta (los enlaces /t/{token} no deben filtrarse)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def enviar(mensaje: Message) -> None:
            if mensaje["type"] == "http.response.start":
                cabeceras = list(mensaje.get("headers", []))
                cabeceras += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                mensaje["headers"] = cabeceras
            await send(mensaje)

        await self.app(scope, receive, enviar)


def plantillas() -> Jinja2Templates:
    carpetas = [RAIZ / "plantillas"]
    for paquete in ("kiosco", "pantalla", "metricas"):
        carpeta = RAIZ.parent / paquete / "plantillas"
        if carpeta.is_dir():
            carpetas.append(carpeta)
    entorno = jinja2.Environment(loader=jinja2.FileSystemLoader(carpetas), autoescape=True)
    return Jinja2Templates(env=entorno)


PAQUETES = ("kiosco", "metricas")


def _extensiones() -> list[Any]:
    """Módulos `web` y `servicio` de kiosco/ y metricas/: aportan RUTAS e iniciar/detener."""
    modulos = []
    for paquete in PAQUETES:
        if importlib.util.find_spec(paquete) is None:
            continue
        for nombre in (f"{paquete}.web", f"{paquete}.servicio"):
            if importlib.util.find_spec(nombre) is not None:
                modulos.append(importlib.import_module(nombre))
    return modulos


def crear_app(
    settings: Settings | None = None, *, reloj: Callable[[], Any] = tiempo.ahora
) -> Starlette:
    settings = borde.ajustar(settings or Settings.desde_entorno())
    motor = crear_motor(settings.db, sqlite_sync=settings.sqlite_sync, pool_size=settings.pool)
    alm = Almacen(motor)
    secreto = settings.secreto or obtener_secreto(motor)

    extensiones = _extensiones()

    @asynccontextmanager
    async def ciclo(app: Starlette) -> AsyncIterator[None]:
        await tiempo_real.iniciar(app)
        for ext in extensiones:
            if hasattr(ext, "iniciar"):
                await ext.iniciar(app)
        try:
            yield
        finally:
            for ext in reversed(extensiones):
                if hasattr(ext, "detener"):
                    await ext.detener(app)
            await tiempo_real.detener(app)
            motor.dispose()

    estaticos = [Mount("/static", StaticFiles(directory=RAIZ / "static"), name="static")]
    for paquete in PAQUETES:  # pantalla/ monta los suyos en tiempo_real.RUTAS
        carpeta = RAIZ.parent / paquete / "static"
        if carpeta.is_dir():
            estaticos.append(
                Mount(
                    f"/static/{paquete}", StaticFiles(directory=carpeta), name=f"static_{paquete}"
                )
            )
    app = Starlette(
        routes=[
            *api.RUTAS,
            *personal.RUTAS,
            *admin.RUTAS,
            *tiempo_real.RUTAS,
            *[r for ext in extensiones for r in getattr(ext, "RUTAS", [])],
            *estaticos[::-1],
        ],
        middleware=[
            Middleware(CabecerasSeguras),
            Middleware(borde.Borde),
            Middleware(
                SessionMiddleware,
                secret_key=secreto,
                session_cookie="turnos_sesion",
                max_age=settings.sesion_horas * 3600,
                same_site="lax",
                https_only=settings.cookie_segura,
            ),
        ],
        exception_handlers=MANEJADORES,  # type: ignore[arg-type]
        lifespan=ciclo,
    )
    app.state.settings = settings
    app.state.alm = alm
    app.state.reloj = reloj
    app.state.actores = CacheActores()
    app.state.plantillas = plantillas()
    return app


def fabrica() -> Starlette:
    """Para `uvicorn --factory turnos.web.app:fabrica` (cada proceso lee el entorno)."""
    return crear_app(Settings.desde_entorno())

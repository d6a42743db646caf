"""Fábrica de la aplicación: `crear_app(settings)`. Nada se conecta al importar."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
import jinja2
from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from turnos import tiempo
from turnos.capacidades import Capacidad, descubrir, enlaces, fragmentos
from turnos.db import candado
from turnos.db.almacen import Almacen
from turnos.db.motor import crear_motor
from turnos.eventos.hub import Hub
from turnos.settings import Settings
from turnos.web import acceso, admin, api, borde, personal, tiempo_real
from turnos.web.auth import CacheActores
from turnos.web.contexto import Nucleo
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


def plantillas(capacidades: tuple[Capacidad, ...] | None = None) -> Jinja2Templates:
    """Las del núcleo primero; luego las de cada capacidad (en su orden de registro)."""
    carpetas = [RAIZ / "plantillas"]
    for cap in descubrir() if capacidades is None else capacidades:
        if cap.plantillas is not None:
            carpetas.append(cap.plantillas)
    entorno = jinja2.Environment(loader=jinja2.FileSystemLoader(carpetas), autoescape=True)
    caps = descubrir() if capacidades is None else capacidades
    # Lo que las capacidades agregan a páginas ajenas (Capacidad.enlaces / .fragmentos).
    entorno.globals["enlaces"] = lambda lugar, centro="": [
        (e.etiqueta, e.ruta.format(centro=centro)) for e in enlaces(lugar, caps)
    ]
    entorno.globals["fragmentos"] = lambda lugar: fragmentos(lugar, caps)
    return Jinja2Templates(env=entorno)


def _estaticos(capacidades: tuple[Capacidad, ...]) -> list[Mount]:
    """/static/{capacidad} antes que /static (Starlette toma el primer montaje que coincide)."""
    montajes = [
        Mount(
            f"/static/{cap.nombre}",
            StaticFiles(directory=cap.estaticos),
            name=f"static_{cap.nombre}",
        )
        for cap in capacidades
        if cap.estaticos is not None
    ]
    return [*montajes, Mount("/static", StaticFiles(directory=RAIZ / "static"), name="static")]


def crear_app(
    settings: Settings | None = None, *, reloj: Callable[[], Any] = tiempo.ahora
) -> Starlette:
    settings = borde.ajustar(settings or Settings.desde_entorno())
    motor = crear_motor(settings.db, sqlite_sync=settings.sqlite_sync, pool_size=settings.pool)
    alm = Almacen(motor)
    secreto = settings.secreto or obtener_secreto(motor)

    capacidades = descubrir()
    ctx = Nucleo(
        settings=settings,
        alm=alm,
        reloj=reloj,
        plantillas=plantillas(capacidades),
        hub=Hub(),
        actores=CacheActores(),
        capacidades=capacidades,
    )

    @asynccontextmanager
    async def ciclo(app: Starlette) -> AsyncIterator[None]:
        sirviendo = candado.sirviendo(settings.db)  # `turnos restaurar` se niega mientras sirve
        await tiempo_real.iniciar(app)
        iniciadas: list[Capacidad] = []
        try:
            for cap in capacidades:
                if cap.iniciar is not None:
                    await cap.iniciar(app)
                iniciadas.append(cap)
            yield
        finally:
            for cap in reversed(iniciadas):
                if cap.detener is not None:
                    await cap.detener(app)
            # Termina el hilo escritor tras lo ya formado, con el reparto aún vivo (issue 14).
            await anyio.to_thread.run_sync(alm.cerrar)
            await tiempo_real.detener(app)
            motor.dispose()
            sirviendo.soltar()

    app = Starlette(
        routes=[
            *api.RUTAS,
            *personal.RUTAS,
            *acceso.RUTAS,
            *admin.RUTAS,
            *[r for cap in capacidades if cap.rutas is not None for r in cap.rutas()],
            *_estaticos(capacidades),
        ],
        middleware=[
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
        exception_handlers=MANEJADORES,
        lifespan=ciclo,
    )
    app.state.nucleo = ctx
    # Alias del contexto para el código que aún lee `app.state.*` (mismos objetos).
    app.state.settings, app.state.alm, app.state.reloj = settings, alm, reloj
    app.state.actores, app.state.plantillas, app.state.hub = ctx.actores, ctx.plantillas, ctx.hub
    return app


def fabrica() -> Starlette:
    """Para `uvicorn --factory turnos.web.app:fabrica` (cada proceso lee el entorno)."""
    return crear_app(Settings.desde_entorno())

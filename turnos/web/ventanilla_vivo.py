"""Lo que /ventanilla agrega para trabajar sin recargar (issue 15, ítems 1, 5 y 6).

- `/ventanilla/cola`: el fragmento HTML con los turnos en espera de la ventanilla de la sesión;
  ventanilla.js lo pide al llegar un evento del websocket (los folios son datos del personal:
  viajan con la sesión, no por el canal público de la pantalla).
- A dónde lleva el inicio de sesión: la ruta local pedida (`siguiente`, sin redirección abierta)
  o la página de cada rol.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from turnos.db.almacen import Almacen
from turnos.dominio.estados import EstadoVentanilla
from turnos.errores import TurnosError
from turnos.permisos import Actor, Permiso, Rol
from turnos.servicios import atencion, cola_ventanilla, consultas, intentos
from turnos.servicios.consultas import CentroInfo
from turnos.tiempo import a_ms
from turnos.web.auth import actor, csrf_token

EXPIRO = "expiro"  # /login?aviso=expiro: la acción que se POSTeó con la sesión vencida no se hizo
MENSAJE_EXPIRO = "Su sesión expiró; la acción no se realizó. Inicie sesión de nuevo."


def siguiente_seguro(valor: str | None) -> str | None:
    """Solo rutas locales («/algo»): nada de «//otro.sitio», esquemas, barras invertidas ni
    caracteres de control (redirección abierta)."""
    if not valor or not valor.startswith("/") or len(valor) > 500:
        return None
    if "\\" in valor or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in valor):
        return None
    partes = urlsplit(valor)
    if partes.scheme or partes.netloc or valor.startswith("//"):
        return None
    return valor


def _slug_de(alm: Almacen, centro_id: int | None) -> str | None:
    with alm.lectura() as conn:
        if centro_id is not None:
            return conn.execute(
                text("SELECT slug FROM centro WHERE id = :c"), {"c": centro_id}
            ).scalar()
        return conn.execute(
            text("SELECT slug FROM centro WHERE activo = true ORDER BY id LIMIT 1")
        ).scalar()


def destino_por_rol(request: Request, quien: Actor) -> str:
    """La página de cada rol al iniciar sesión sin una ruta pedida."""
    if quien.rol == Rol.VENTANILLA:
        return "/ventanilla"
    if quien.rol == Rol.ADMIN:
        return "/admin"
    if quien.rol in (Rol.JEFE, Rol.AUDITOR):
        slug = _slug_de(request.app.state.alm, quien.centro_id)
        return f"/tablero/{slug}" if slug else "/tablero"
    rutas = {getattr(r, "path", "") for r in request.app.routes}
    if quien.rol == Rol.CONTRALORIA and "/buzon/bandeja" in rutas:  # si el buzón está instalado
        return "/buzon/bandeja"
    return "/cuenta"


def datos_cola(
    alm: Almacen, c: CentroInfo, elegida: dict[str, Any] | None, tiene_turno: bool, ms: int
) -> dict[str, Any]:
    """Contexto de _cola_ventanilla.html (lo comparten la página y el fragmento)."""
    if elegida is None:
        return {"en_espera": [], "puede_llamar": False, "elegida": None}
    with alm.lectura() as conn:
        lista = cola_ventanilla.en_espera(conn, c, elegida["id"], ms)
    abierta = elegida["estado"] not in (EstadoVentanilla.EN_PAUSA, EstadoVentanilla.CERRADA)
    return {"en_espera": lista, "puede_llamar": abierta and not tiene_turno, "elegida": elegida}


def _fragmento(alm: Almacen, slug: str, numero: int | None, quien: Actor, ms: int) -> Any:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        v = None
        if numero is not None:
            try:
                v = consultas.ventanilla(conn, c.id, numero)
            except TurnosError:
                v = None
        if v is None or v.usuario_id != quien.id:
            return c, None, False
        tiene = atencion.turno_actual(conn, v.id) is not None
    elegida = {"id": v.id, "numero": v.numero, "estado": v.estado}
    return c, elegida, tiene


async def cola(request: Request) -> Response:
    """GET /ventanilla/cola: solo el fragmento de la lista (401 sin sesión, sin redirigir)."""
    from turnos.web.personal import centro_de  # la misma elección de centro que la página

    quien = await actor(request)
    if quien is None or quien.tipo != "usuario" or not quien.puede(Permiso.OPERAR):
        return Response("Su sesión expiró.", status_code=401, media_type="text/plain")
    slug = await run_in_threadpool(centro_de, request, quien)  # lee la BD: fuera del bucle
    if slug is None:
        return Response("No hay centros configurados.", status_code=404, media_type="text/plain")
    alm, ms = request.app.state.alm, a_ms(request.app.state.reloj())
    numero = request.session.get("ventanilla")
    c, elegida, tiene = await run_in_threadpool(_fragmento, alm, slug, numero, quien, ms)
    contexto = await run_in_threadpool(datos_cola, alm, c, elegida, tiene, ms)
    plantillas: Jinja2Templates = request.app.state.plantillas
    r = plantillas.TemplateResponse(
        request,
        "_cola_ventanilla.html",
        {**contexto, "csrf": csrf_token(request), "intento": intentos.nuevo},
    )
    r.headers["Cache-Control"] = "no-store"
    return r


RUTAS = [Route("/ventanilla/cola", cola, methods=["GET"])]

"""/citas-personal/{centro}: el personal (ventanilla, jefatura) ve la agenda del día con nombres
y agenda una cita a nombre de quien llama o llega (formulario con CSRF)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from citas import catalogo, hoy, lecturas, reservas
from citas.servicio import despertar
from citas.web import url_publica
from turnos.errores import EntradaInvalida, TurnosError
from turnos.kit import actor, formulario, nucleo, render, verificar_csrf
from turnos.permisos import Permiso
from turnos.servicios import consultas

CAMPOS = ("tramite", "fecha", "hora", "nombre", "curp", "correo", "telefono")


def inicio_local(fecha: str, hora: str, zona: str) -> str:
    """Fecha y hora que teclea el personal (hora del centro) → ISO con el desfase del centro."""
    try:
        momento = datetime.combine(date.fromisoformat(fecha), time.fromisoformat(hora))
    except ValueError:
        raise EntradaInvalida(
            "Indique la fecha (AAAA-MM-DD) y la hora (HH:MM) de la cita."
        ) from None
    return momento.replace(tzinfo=ZoneInfo(zona)).isoformat(timespec="seconds")


def _leer(alm: Any, slug: str, ahora: datetime) -> dict[str, Any]:
    c, tramites = catalogo.tramites(alm, slug)
    return {
        "centro": c,
        "tramites": tramites,
        "agenda": hoy.del_dia(alm, slug, ahora),
        "hoy": ahora.astimezone(ZoneInfo(c.zona)).date().isoformat(),
    }


def _agendar(
    alm: Any, slug: str, datos: dict[str, str], ahora: datetime, base: str, uid: int | None
) -> dict[str, Any]:
    with alm.lectura() as conn:
        zona = consultas.centro(conn, slug).zona
    peticion = {
        **{k: datos[k] for k in ("tramite", "nombre", "curp", "correo", "telefono")},
        "inicio": inicio_local(datos["fecha"], datos["hora"], zona),
    }
    return reservas.crear(alm, slug, peticion, ahora, base, usuario_id=uid)


async def pagina(request: Request) -> Response:
    slug = request.path_params["centro"][:60]
    quien = await actor(request)
    if quien is None or quien.tipo != "usuario":
        return RedirectResponse(f"/login?siguiente=/citas-personal/{slug}", status_code=303)
    ctx = nucleo(request)
    try:
        c = await run_in_threadpool(lecturas.centro, ctx.alm, slug)
    except TurnosError as e:
        return render(request, "error.html", {"status": e.status, "mensaje": e.mensaje}, e.status)
    if not quien.puede(Permiso.OPERAR, c.id):
        return render(request, "error.html", {"status": 403, "mensaje": "Sin permiso."}, 403)
    datos = {k: "" for k in CAMPOS}
    resultado, error, status = None, "", 200
    if request.method == "POST":
        form = await formulario(request)
        verificar_csrf(request, str(form.get("csrf", "")))
        datos = {k: str(form.get(k, ""))[:200] for k in CAMPOS}
        try:
            resultado = await run_in_threadpool(
                _agendar,
                ctx.alm,
                slug,
                datos,
                ctx.ahora(),
                url_publica(request),
                quien.usuario_id,
            )
            despertar(request.app)
            datos = {k: "" for k in CAMPOS}
            status = 201
        except TurnosError as e:
            error, status = e.mensaje, e.status
            datos["curp"] = ""  # no se devuelve la CURP en la página
    contexto = {
        **await run_in_threadpool(_leer, ctx.alm, slug, ctx.ahora()),
        "usuario": quien,
        "datos": datos,
        "error": error,
        "resultado": resultado,
        "enlace": f"{url_publica(request)}/citas/{resultado['token']}" if resultado else "",
    }
    respuesta = render(request, "citas_personal.html", contexto, status)
    respuesta.headers["Cache-Control"] = "no-store"
    return respuesta


RUTAS: list[Any] = [Route("/citas-personal/{centro}", pagina, methods=["GET", "POST"])]

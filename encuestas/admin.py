"""/admin/encuestas?centro=…: el conjunto de preguntas del centro (jefatura o admin)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from encuestas import conjuntos
from turnos.errores import TurnosError
from turnos.kit import actor, avisar, nucleo, render, verificar_csrf
from turnos.permisos import Permiso
from turnos.servicios import consultas

_PRIMERO = text(
    "SELECT slug FROM centro WHERE activo = true AND (CAST(:c AS INTEGER) IS NULL OR id = :c)"
    " ORDER BY id LIMIT 1"
)


async def conjunto(request: Request) -> Response:
    quien = await actor(request)
    if quien is None or quien.tipo != "usuario":
        return RedirectResponse("/login?siguiente=/admin/encuestas", status_code=303)
    ctx = nucleo(request)
    form = await request.form() if request.method == "POST" else None
    slug = (
        request.query_params.get("centro", "") if form is None else str(form.get("centro", ""))
    )[:60]

    def centro_de() -> Any:
        with ctx.alm.lectura() as conn:
            elegido = slug or conn.execute(_PRIMERO, {"c": quien.centro_id}).scalar()
            return consultas.centro(conn, str(elegido or ""))

    try:
        c = await run_in_threadpool(centro_de)
    except TurnosError as e:
        return render(request, "error.html", {"status": e.status, "mensaje": e.mensaje}, e.status)
    if not quien.puede(Permiso.ADMINISTRAR, c.id):
        return render(request, "error.html", {"status": 403, "mensaje": "Sin permiso."}, 403)
    if form is not None:
        verificar_csrf(request, str(form.get("csrf", "")))
        try:
            await run_in_threadpool(
                lambda: conjuntos.guardar(
                    ctx.alm,
                    c.slug,
                    quien,
                    ctx.ahora(),
                    pregunta=str(form.get("pregunta", "")),
                    reactivos=[str(r) for r in form.getlist("reactivos")],
                    mensaje_reposo=str(form.get("mensaje_reposo", "")),
                )
            )
            avisar(request, "ok", "Preguntas de la encuesta guardadas.")
        except TurnosError as e:
            avisar(request, "error", e.mensaje)
        return RedirectResponse(f"/admin/encuestas?centro={c.slug}", status_code=303)

    def leer() -> dict[str, Any]:
        with ctx.alm.lectura() as conn:
            return conjuntos.leer(conn, c.id)

    actual = await run_in_threadpool(leer)
    elegidos = {r["clave"] for r in actual["reactivos"]}
    contexto = {
        "usuario": quien,
        "centro": c,
        "actual": actual,
        "reactivos": [
            {"clave": k, "texto": t, "elegido": k in elegidos}
            for k, t in conjuntos.REACTIVOS.items()
        ],
        "pregunta_defecto": conjuntos.PREGUNTA,
        "reposo_defecto": conjuntos.MENSAJE_REPOSO,
    }
    return render(request, "encuestas_admin.html", contexto)


RUTAS: list[Any] = [Route("/admin/encuestas", conjunto, methods=["GET", "POST"])]

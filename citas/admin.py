"""/admin/correos-citas: la bandeja de salida a la vista del personal (nada se pierde callado)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from turnos.kit import actor, nucleo, render
from turnos.permisos import Permiso
from turnos.tiempo import iso

_CORREOS = text(
    "SELECT cc.id, cc.tipo, cc.para, cc.asunto, cc.cuerpo, cc.estado, cc.intentos, cc.error,"
    " cc.enviar_ms, cc.enviado_ms, c.zona, c.slug FROM cita_correo cc"
    " JOIN centro c ON c.id = cc.centro_id WHERE (:c IS NULL OR cc.centro_id = :c)"
    " ORDER BY cc.id DESC LIMIT 200"
)


async def correos(request: Request) -> Response:
    quien = await actor(request)
    if quien is None or quien.tipo != "usuario":
        return RedirectResponse("/login?siguiente=/admin/correos-citas", status_code=303)
    if not quien.puede(Permiso.VER_REGISTRO):
        return render(request, "error.html", {"status": 403, "mensaje": "Sin permiso."}, 403)
    ctx = nucleo(request)

    def leer() -> list[dict[str, Any]]:
        with ctx.alm.lectura() as conn:
            filas = conn.execute(_CORREOS, {"c": quien.centro_id}).all()
        return [
            {
                **f._mapping,
                "enviar": iso(f.enviar_ms, f.zona),
                "enviado": iso(f.enviado_ms, f.zona) or "",
            }
            for f in filas
        ]

    contexto = {
        "usuario": quien,
        "correos": await run_in_threadpool(leer),
        "smtp": bool(ctx.settings.smtp_url),
    }
    respuesta = render(request, "citas_correos.html", contexto)
    respuesta.headers["Cache-Control"] = "no-store"
    return respuesta


RUTAS: list[Any] = [Route("/admin/correos-citas", correos, methods=["GET"])]

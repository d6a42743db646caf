"""Personal: /admin/correos-citas (la bandeja de salida a la vista: nada se pierde callado) y
/admin/agenda-citas (agenda de citas por trámite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from citas import cierres, configuracion, lecturas
from citas.servicio import despertar
from citas.web import url_publica
from turnos.errores import EntradaInvalida, TurnosError
from turnos.kit import actor, avisar, nucleo, render, verificar_csrf
from turnos.permisos import Permiso
from turnos.servicios import consultas
from turnos.tiempo import iso

_CORREOS = text(
    "SELECT cc.id, cc.tipo, cc.para, cc.asunto, cc.cuerpo, cc.estado, cc.intentos, cc.error,"
    " cc.enviar_ms, cc.enviado_ms, c.zona, c.slug FROM cita_correo cc"
    " JOIN centro c ON c.id = cc.centro_id WHERE (CAST(:c AS INTEGER) IS NULL OR cc.centro_id = :c)"
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


_AGENDAS = text(
    "SELECT tr.clave, tr.nombre, a.duracion_min, a.lugares, a.horizonte_dias,"
    " a.anticipacion_min, a.activa FROM tramite tr LEFT JOIN cita_agenda a"
    " ON a.tramite_id = tr.id WHERE tr.centro_id = :c AND tr.activo = true"
    " ORDER BY tr.orden, tr.nombre"
)


def _entero(form: Any, campo: str, defecto: int | None) -> int | None:
    valor = str(form.get(campo, "")).strip()
    if not valor:
        return defecto
    if not valor.isdigit():
        raise EntradaInvalida(f"«{campo}» debe ser un número entero.")
    return int(valor)


async def agendas(request: Request) -> Response:
    """Agenda de citas por trámite: verla y cambiarla (jefatura del centro o admin)."""
    quien = await actor(request)
    if quien is None or quien.tipo != "usuario":
        return RedirectResponse("/login?siguiente=/admin/agenda-citas", status_code=303)
    ctx = nucleo(request)
    slug = (
        request.query_params.get("centro", "")
        if request.method == "GET"
        else str((await request.form()).get("centro", ""))
    )[:60]

    def centro_de() -> Any:
        """El centro pedido; si no, el suyo (o el primero, para un usuario estatal)."""
        with ctx.alm.lectura() as conn:
            elegido = (
                slug
                or conn.execute(
                    text(
                        "SELECT slug FROM centro WHERE activo = true AND (CAST(:c AS INTEGER) IS NULL OR id = :c)"
                        " ORDER BY id LIMIT 1"
                    ),
                    {"c": quien.centro_id},
                ).scalar()
            )
            return consultas.centro(conn, str(elegido or ""))

    try:
        c = await run_in_threadpool(centro_de)
    except TurnosError as e:
        return render(request, "error.html", {"status": e.status, "mensaje": e.mensaje}, e.status)
    if not quien.puede(Permiso.ADMINISTRAR, c.id):
        return render(request, "error.html", {"status": 403, "mensaje": "Sin permiso."}, 403)
    if request.method == "POST":
        form = await request.form()
        verificar_csrf(request, str(form.get("csrf", "")))
        try:
            r = await run_in_threadpool(
                lambda: configuracion.guardar_agenda(
                    ctx.alm,
                    c.slug,
                    str(form.get("tramite", ""))[:20],
                    quien,
                    ctx.ahora(),
                    duracion_min=_entero(form, "duracion", 30) or 30,
                    lugares=_entero(form, "lugares", None),
                    horizonte_dias=_entero(form, "horizonte", 30) or 30,
                    anticipacion_min=_entero(form, "anticipacion", 60) or 0,
                    activa=form.get("activa") == "1",
                )
            )
            avisar(request, "ok", f"Agenda de {r['tramite']} guardada.")
        except TurnosError as e:
            avisar(request, "error", e.mensaje)
        return RedirectResponse(f"/admin/agenda-citas?centro={c.slug}", status_code=303)

    def leer() -> list[dict[str, Any]]:
        with ctx.alm.lectura() as conn:
            return [dict(f._mapping) for f in conn.execute(_AGENDAS, {"c": c.id})]

    contexto = {
        "usuario": quien,
        "centro": c,
        "tramites": await run_in_threadpool(leer),
        "afectadas": await run_in_threadpool(cierres.afectadas, ctx.alm, c.slug, ctx.ahora()),
    }
    return render(request, "citas_agendas.html", contexto)


async def avisar_cierres(request: Request) -> Response:
    """Cancela y avisa las citas que caen en un día inhábil agregado después de agendarlas."""
    quien = await actor(request)
    if quien is None or quien.tipo != "usuario":
        return RedirectResponse("/login?siguiente=/admin/agenda-citas", status_code=303)
    if not quien.puede(Permiso.ADMINISTRAR):
        return render(request, "error.html", {"status": 403, "mensaje": "Sin permiso."}, 403)
    ctx = nucleo(request)
    form = await request.form()
    verificar_csrf(request, str(form.get("csrf", "")))
    slug = str(form.get("centro", ""))[:60]
    try:
        c = await run_in_threadpool(lecturas.centro, ctx.alm, slug)
    except TurnosError as e:
        return render(request, "error.html", {"status": e.status, "mensaje": e.mensaje}, e.status)
    if not quien.puede(Permiso.ADMINISTRAR, c.id):
        return render(request, "error.html", {"status": 403, "mensaje": "Sin permiso."}, 403)
    folios = await run_in_threadpool(
        cierres.avisar_afectadas,
        ctx.alm,
        c.slug,
        ctx.ahora(),
        url_publica(request),
        quien.usuario_id,
    )
    despertar(request.app)
    avisar(
        request,
        "ok",
        f"Citas canceladas y avisadas por día inhábil: {len(folios)}"
        + (f" ({', '.join(folios)})." if folios else "."),
    )
    return RedirectResponse(f"/admin/agenda-citas?centro={c.slug}", status_code=303)


RUTAS: list[Any] = [
    Route("/admin/correos-citas", correos, methods=["GET"]),
    Route("/admin/agenda-citas", agendas, methods=["GET", "POST"]),
    Route("/admin/citas-cierres", avisar_cierres, methods=["POST"]),
]

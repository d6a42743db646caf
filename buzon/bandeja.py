"""Páginas del personal: /buzon/{centro}/bandeja (lista por vencimiento), el caso con sus
acciones (canalizar, cambiar estado, nota interna) y la captura por teléfono, papel o en persona.
Formularios con CSRF y PRG; sin permiso, 403 (una denuncia ajena a su rol: 404)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from buzon import atencion, casos, reglas
from buzon.servicio import despertar
from turnos.errores import EntradaInvalida, NoEncontrado, Prohibido, TurnosError
from turnos.kit import actor, avisar, formulario, nucleo, render, verificar_csrf
from turnos.permisos import Actor
from turnos.servicios import consultas

SIN_CACHE = {"Cache-Control": "no-store"}


async def _usuario(request: Request) -> Actor | Response:
    quien = await actor(request)
    if quien is None or quien.tipo != "usuario":
        return RedirectResponse(f"/login?siguiente={quote(request.url.path)}", status_code=303)
    return quien


def _pagina(request: Request, plantilla: str, ctx: dict[str, Any], status: int = 200) -> Response:
    r = render(request, plantilla, ctx, status)
    r.headers.update(SIN_CACHE)
    return r


async def lista(request: Request) -> Response:
    quien = await _usuario(request)
    if isinstance(quien, Response):
        return quien
    ctx = nucleo(request)
    datos = await run_in_threadpool(
        atencion.listar, ctx.alm, request.path_params["centro"], quien, ctx.ahora()
    )
    return _pagina(request, "buzon_bandeja.html", {"usuario": quien, **datos})


async def entrada(request: Request) -> Response:
    """/buzon/bandeja: la bandeja del centro de quien entra (contraloría no opera ventanillas;
    entra con /login?siguiente=/buzon/bandeja). Un usuario estatal elige con ?centro=."""
    quien = await _usuario(request)
    if isinstance(quien, Response):
        return quien
    alm = nucleo(request).alm

    def slug() -> str | None:
        params: dict[str, Any]
        with alm.lectura() as conn:
            if quien.centro_id is not None:
                sql, params = "SELECT slug FROM centro WHERE id = :c", {"c": quien.centro_id}
            else:
                sql = "SELECT slug FROM centro WHERE activo = true AND (slug = :s OR :s = '')"
                sql += " ORDER BY id LIMIT 1"
                params = {"s": request.query_params.get("centro", "")[:60]}
            return conn.execute(text(sql), params).scalar()

    destino = await run_in_threadpool(slug)
    if destino is None:
        raise NoEncontrado("No hay centros configurados.")
    return RedirectResponse(f"/buzon/{quote(destino)}/bandeja", status_code=303)


async def caso(request: Request) -> Response:
    quien = await _usuario(request)
    if isinstance(quien, Response):
        return quien
    slug, folio = request.path_params["centro"], request.path_params["folio"]
    ctx = nucleo(request)
    if request.method == "POST":
        form = await formulario(request)
        verificar_csrf(request, form.get("csrf"))  # type: ignore[arg-type]
        accion = form.get("accion")
        try:
            if accion == "canalizar":
                try:
                    unidad = int(str(form.get("unidad") or ""))
                except ValueError:
                    raise EntradaInvalida("Elija una unidad.", "unidad_invalida") from None
                r = await run_in_threadpool(
                    atencion.canalizar,
                    ctx.alm,
                    slug,
                    folio,
                    unidad,
                    str(form.get("motivo") or ""),
                    quien,
                    ctx.ahora(),
                )
                despertar(request.app)
                avisar(
                    request,
                    "ok",
                    "Unidad cambiada; se le avisó." if r["cambio"] else "Canalización guardada.",
                )
            elif accion == "estado":
                await run_in_threadpool(
                    atencion.cambiar_estado,
                    ctx.alm,
                    slug,
                    folio,
                    str(form.get("estado") or ""),
                    str(form.get("texto") or ""),
                    quien,
                    ctx.ahora(),
                )
                avisar(request, "ok", "Estado actualizado.")
            elif accion == "nota":
                await run_in_threadpool(
                    atencion.anotar,
                    ctx.alm,
                    slug,
                    folio,
                    str(form.get("texto") or ""),
                    quien,
                    ctx.ahora(),
                )
                avisar(request, "ok", "Nota guardada.")
            else:
                # Primero quién pide: sin permiso, 403 antes de saber qué acción pidió.
                await run_in_threadpool(atencion.ver, ctx.alm, slug, folio, quien)
                raise EntradaInvalida("Acción desconocida.")
        except Prohibido:
            raise
        except TurnosError as e:
            if e.status == 404:
                raise
            avisar(request, "error", e.mensaje)
        return RedirectResponse(request.url.path, status_code=303)
    datos = await run_in_threadpool(atencion.ver, ctx.alm, slug, folio, quien)
    datos["estados"] = reglas.ESTADOS
    return _pagina(request, "buzon_caso.html", {"usuario": quien, "k": datos})


async def captura(request: Request) -> Response:
    """El personal captura lo que llegó por teléfono, papel o en persona."""
    quien = await _usuario(request)
    if isinstance(quien, Response):
        return quien
    ctx = nucleo(request)
    slug = request.path_params["centro"]

    def centro() -> Any:
        with ctx.alm.lectura() as conn:
            return consultas.centro(conn, slug)

    c = await run_in_threadpool(centro)
    if not quien.puede(atencion.CAPTURAR, c.id):
        raise Prohibido("No puede capturar casos del buzón en este centro.")
    contexto: dict[str, Any] = {
        "usuario": quien,
        "centro": c,
        "tipos": reglas.TIPOS,
        "canales": reglas.CANALES_PERSONAL,
        "valores": {},
    }
    if request.method == "POST":
        form = await formulario(request)
        verificar_csrf(request, form.get("csrf"))  # type: ignore[arg-type]
        valores = {
            k: str(form.get(k) or "")
            for k in ("tipo", "canal", "descripcion", "turno", "correo", "telefono")
        }
        try:
            if valores["canal"] not in reglas.CANALES_PERSONAL:
                raise EntradaInvalida("Elija por dónde llegó.", "canal_invalido")
            r = await run_in_threadpool(
                lambda: casos.abrir(
                    ctx.alm,
                    slug,
                    tipo=valores["tipo"],
                    descripcion=valores["descripcion"],
                    turno_folio=valores["turno"],
                    correo_=valores["correo"],
                    telefono=valores["telefono"],
                    canal=valores["canal"],
                    ahora=ctx.ahora(),
                    capturo_id=quien.usuario_id,
                )
            )
        except TurnosError as e:
            return _pagina(
                request,
                "buzon_captura.html",
                {**contexto, "valores": valores, "error": e.mensaje},
                e.status,
            )
        despertar(request.app)
        return _pagina(request, "buzon_captura.html", {**contexto, "recibo": r}, 201)
    return _pagina(request, "buzon_captura.html", contexto)


RUTAS: list[Any] = [
    Route("/buzon/bandeja", entrada, methods=["GET"]),
    Route("/buzon/{centro}/bandeja", lista, methods=["GET"]),
    Route("/buzon/{centro}/casos/{folio}", caso, methods=["GET", "POST"]),
    Route("/buzon/{centro}/captura", captura, methods=["GET", "POST"]),
]

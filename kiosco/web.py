"""Rutas del kiosco, del ticket móvil, de reimpresión y del agente (`RUTAS`, las monta crear_app).

Credencial del kiosco: el navegador abre una vez `/kiosco/{centro}?token=T`; el servidor valida
el token del dispositivo, lo guarda en la cookie HttpOnly `turnos_kiosco` (SameSite=Strict,
~400 días) y redirige a `/kiosco/{centro}` para que el token no quede en pantalla ni en el
historial. Las llamadas JSON de la página usan esa cookie y, además, la cabecera
`X-Turnos-Kiosco: 1` (un sitio ajeno no puede mandarla sin pasar por CORS). También vale
`Authorization: Bearer` y la sesión del personal (recepción), esta última con CSRF.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.templating import Jinja2Templates

from kiosco import impresion, seguimiento, ticket, trabajos
from kiosco.agentes import ws_agente
from kiosco.paginas import REGRESO_IMPRESO_S, REGRESO_SIN_TICKET_S, datos_kiosco
from kiosco.servicio import ESPERA_IMPRESION_S, servicio
from kiosco.vista import MENSAJES_IMPRESION, vista_ticket
from turnos.errores import Conflicto, EntradaInvalida, NoAutenticado, Prohibido, TurnosError
from turnos.kit import (
    actor,
    actor_con_csrf,
    avisar,
    campo_texto,
    csrf_token,
    cuerpo,
    nucleo,
    peticion_idempotente,
    por_sesion,
    verificar_csrf,
)
from turnos.permisos import Actor, Permiso, TipoDispositivo, exigir
from turnos.servicios import consultas, cuentas, emision

log = logging.getLogger(__name__)

COOKIE = "turnos_kiosco"
COOKIE_DIAS = 400
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SIN_CACHE = {"Content-Security-Policy": CSP, "Cache-Control": "no-store"}


async def _por_token(conn: HTTPConnection, token: str) -> Actor | None:
    ctx = nucleo(conn)
    cache = ctx.actores
    clave = ("t", cuentas.hash_token(token))
    hallado, quien = cache.obtener(clave)
    if not hallado:

        def resolver() -> Actor | None:
            with ctx.alm.lectura() as c:
                return cuentas.actor_de_token(c, token)

        quien = await run_in_threadpool(resolver)
        cache.guardar(clave, quien)
    return quien


async def actor_kiosco(request: Request) -> Actor | None:
    """Bearer o sesión (con CSRF en escrituras) o la cookie del kiosco (con su cabecera)."""
    quien = await actor_con_csrf(request)
    if quien is not None:
        return quien
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    if request.method not in ("GET", "HEAD") and request.headers.get("x-turnos-kiosco") != "1":
        raise Prohibido("Falta la cabecera X-Turnos-Kiosco.", "csrf")
    return await _por_token(request, token)


def url_base(request: Request) -> str:
    return request.app.state.settings.url_publica or str(request.base_url)


def _es_kiosco(quien: Actor | None) -> bool:
    return quien is not None and quien.tipo == "dispositivo" and quien.rol == TipoDispositivo.KIOSCO


# -- página del kiosco ------------------------------------------------------------------------


async def pagina_kiosco(request: Request) -> Response:
    slug = request.path_params["centro"]
    plantillas: Jinja2Templates = request.app.state.plantillas
    token = request.query_params.get("token")
    if token:
        quien = await _por_token(request, token)
        if _es_kiosco(quien):
            respuesta = RedirectResponse(f"/kiosco/{slug}", status_code=303)
            respuesta.set_cookie(
                COOKIE,
                token,
                max_age=COOKIE_DIAS * 86400,
                httponly=True,
                samesite="strict",
                secure=request.app.state.settings.cookie_segura,
            )
            return respuesta
    else:
        quien = await actor_kiosco(request)
    centro_id = await run_in_threadpool(_centro_id, request, slug)
    if quien is None or not quien.puede(Permiso.EMITIR, centro_id):
        return plantillas.TemplateResponse(
            request,
            "kiosco_sin_registro.html",
            {"centro": slug},
            status_code=401,
            headers=SIN_CACHE,
        )
    datos = await run_in_threadpool(
        datos_kiosco, request.app.state.alm, slug, request.app.state.reloj()
    )
    datos["csrf"] = csrf_token(request) if por_sesion(request) else ""
    return plantillas.TemplateResponse(request, "kiosco.html", datos, headers=SIN_CACHE)


def _centro_id(request: Request, slug: str) -> int:
    with request.app.state.alm.lectura() as conn:
        return consultas.centro(conn, slug).id


# -- emitir e imprimir ------------------------------------------------------------------------


@dataclass(frozen=True)
class Destino:
    """Impresora elegida a mano (reimpresión): la de un trabajo previo o la de otro kiosco."""

    dispositivo_id: int | None
    impresora: str
    perfil: str


async def imprimir(
    request: Request,
    token: str,
    dispositivo_id: int | None,
    *,
    usuario_id: int | None = None,
    reimpresion: bool = False,
    forzar: Destino | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Arma, guarda y manda el ticket de un turno ya confirmado. Nunca levanta por la impresora.

    Devuelve (vista del ticket, {"estado", "mensaje", "motivo", "trabajo"}).
    """
    app = request.app
    alm = app.state.alm
    prep = await run_in_threadpool(
        impresion.preparar, alm, token, url_base(request), dispositivo_id, app.state.reloj()
    )
    vista = vista_ticket(prep.datos)
    destino, perfil = prep.impresora, prep.perfil
    if forzar is not None:
        destino, perfil = forzar.impresora, impresion.perfil(forzar.perfil)
    if not destino:
        return vista, {
            "estado": "sin_impresora",
            "mensaje": MENSAJES_IMPRESION["sin_impresora"],
            "motivo": "",
        }
    srv = servicio(app)
    try:
        datos = await run_in_threadpool(ticket.renderizar_ticket, prep.datos, perfil)
        trabajo = await run_in_threadpool(
            lambda: trabajos.crear(
                alm,
                centro_id=prep.centro_id,
                turno_id=prep.turno_id,
                dispositivo_id=forzar.dispositivo_id if forzar is not None else prep.dispositivo_id,
                folio=prep.datos.folio,
                impresora=destino,
                perfil=perfil.nombre,
                datos=datos,
                ahora_ms=srv.ahora_ms(),
                usuario_id=usuario_id,
                reimpresion=reimpresion,
            )
        )
    except Exception:  # el turno ya existe: que se vea en pantalla aunque falle el armado
        log.exception("no se pudo preparar el ticket %s", prep.datos.folio)
        return vista, {
            "estado": "fallido",
            "mensaje": MENSAJES_IMPRESION["fallido"],
            "motivo": "Error al preparar el ticket",
        }
    esperar = srv.despachar(prep.centro_id, trabajo.id, destino, datos)
    estado, motivo = await srv.esperar(trabajo.id, ESPERA_IMPRESION_S if esperar else 1.0)
    return vista, {
        "estado": estado,
        "mensaje": MENSAJES_IMPRESION[estado],
        "motivo": motivo,
        "trabajo": trabajo.id,
    }


async def _ticket_ya_emitido(request: Request, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Reintento con la misma Idempotency-Key: el ticket del turno y el estado de su impresión,
    sin mandarlo a imprimir otra vez."""
    alm = request.app.state.alm
    prep = await run_in_threadpool(
        impresion.preparar, alm, token, url_base(request), None, request.app.state.reloj()
    )
    trabajo = await run_in_threadpool(impresion.ultimo_trabajo, alm, prep.turno_id)
    if trabajo is None:
        return vista_ticket(prep.datos), {
            "estado": "sin_impresora",
            "mensaje": MENSAJES_IMPRESION["sin_impresora"],
            "motivo": "",
        }
    estado, motivo = await run_in_threadpool(trabajos.estado_de, alm, trabajo.id)
    return vista_ticket(prep.datos), {
        "estado": estado,
        "mensaje": MENSAJES_IMPRESION[estado],
        "motivo": motivo,
        "trabajo": trabajo.id,
    }


async def api_emitir(request: Request) -> Response:
    quien = await actor_kiosco(request)
    datos = await cuerpo(request)
    clase = campo_texto(datos, "clase") or "general"  # la regla de clases vive en emision
    pet = peticion_idempotente(request, quien, "emitir_kiosco", datos)
    alm = request.app.state.alm
    confirmada = await alm.escribir(  # por el escritor del Almacén, sin ocupar un hilo (issue 14)
        emision.confirmar,
        alm,
        request.path_params["centro"],
        campo_texto(datos, "tramite", requerido=True).strip().upper(),
        quien,
        request.app.state.reloj(),
        clase=clase,
        origen="kiosco",
        peticion=pet,
    )
    # La estimación es una lectura: fuera del escritor, para no retrasar la siguiente emisión.
    resultado = await run_in_threadpool(emision.completar, alm, confirmada)
    # Confirmado: desde aquí nada puede deshacer el turno; imprimir es un efecto posterior.
    dispositivo_id = quien.dispositivo_id if quien is not None else None
    if pet is not None and pet.repetida:
        vista, estado = await _ticket_ya_emitido(request, resultado["token"])
    else:
        vista, estado = await imprimir(request, resultado["token"], dispositivo_id)
    regreso = REGRESO_IMPRESO_S if estado["estado"] == "impreso" else REGRESO_SIN_TICKET_S
    return JSONResponse(
        {"ticket": vista, "impresion": estado, "regreso_s": regreso}, status_code=201
    )


async def turno_de_otra_capacidad(
    request: Request, emitir: Callable[[Actor | None], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """`Capacidad.turno_en_kiosco`: un turno que otra capacidad crea en el kiosco (una cita
    registrada) sale con la credencial del kiosco y su ticket, igual que `api_emitir`."""
    quien = await actor_kiosco(request)
    resultado = await emitir(quien)
    dispositivo_id = quien.dispositivo_id if quien is not None else None
    vista, estado = await imprimir(request, resultado["token"], dispositivo_id)
    regreso = REGRESO_IMPRESO_S if estado["estado"] == "impreso" else REGRESO_SIN_TICKET_S
    return {"ticket": vista, "impresion": estado, "regreso_s": regreso}


# -- reimpresión y estado para el personal ------------------------------------------------------


def _exigir_personal(quien: Actor | None, centro_id: int) -> Actor:
    if quien is not None and quien.puede(Permiso.ADMINISTRAR, centro_id):
        return quien
    return exigir(quien, Permiso.OPERAR, centro_id)


async def reimprimir(
    request: Request, quien: Actor | None, slug: str, folio: str, dispositivo: str
) -> dict[str, Any]:
    alm = request.app.state.alm
    centro_id = await run_in_threadpool(_centro_id, request, slug)
    _exigir_personal(quien, centro_id)
    token, turno_id = await run_in_threadpool(
        impresion.token_por_folio, alm, slug, folio, request.app.state.reloj()
    )
    if dispositivo:
        d = await run_in_threadpool(impresion.dispositivo_por_nombre, alm, centro_id, dispositivo)
        if d is None or not d.impresora_url:
            raise EntradaInvalida(f"El dispositivo «{dispositivo}» no existe o no tiene impresora.")
        destino = Destino(d.id, trabajos.destino(d.impresora_url, d.nombre), d.perfil)
    else:
        fila = await run_in_threadpool(impresion.ultimo_trabajo, alm, turno_id)
        if fila is None:
            raise Conflicto(
                "Ese turno no se imprimió en un kiosco; indique el dispositivo que imprimirá.",
                "sin_impresora",
            )
        destino = Destino(fila.dispositivo_id, fila.impresora, fila.perfil)
    _, estado = await imprimir(
        request,
        token,
        None,
        usuario_id=quien.usuario_id if quien else None,
        reimpresion=True,
        forzar=destino,
    )
    return {"folio": folio.strip().upper(), **estado}


async def api_reimprimir(request: Request) -> Response:
    quien = await actor_kiosco(request)
    datos = await cuerpo(request)
    p = request.path_params
    return JSONResponse(
        await reimprimir(request, quien, p["centro"], p["folio"], campo_texto(datos, "dispositivo"))
    )


async def form_reimprimir(request: Request) -> Response:
    """Formulario de /ventanilla o /admin (plantilla kiosco_reimprimir.html): PRG con aviso."""
    form = await request.form()
    verificar_csrf(request, str(form.get("csrf", "")))
    siguiente = str(form.get("siguiente", "/ventanilla"))
    if not siguiente.startswith("/") or siguiente.startswith("//"):
        siguiente = "/ventanilla"
    quien = await actor(request)
    if quien is None:
        raise NoAutenticado("Inicie sesión para reimprimir.")
    folio = str(form.get("folio", "")).strip()
    try:
        r = await reimprimir(
            request, quien, request.path_params["centro"], folio, str(form.get("dispositivo", ""))
        )
        ok = r["estado"] in ("impreso", "pendiente")
        texto = f"Ticket {r['folio']}: " + (
            "reimpreso." if r["estado"] == "impreso" else r["motivo"] or "en cola."
        )
        avisar(request, "ok" if ok else "error", texto)
    except (NoAutenticado, Prohibido):
        raise  # sin permiso: 401/403, no un aviso tras redirigir
    except TurnosError as e:
        avisar(request, "error", e.mensaje)
    return RedirectResponse(siguiente, status_code=303)


async def api_impresiones(request: Request) -> Response:
    """Trabajos recientes (opcional ?estado=fallido) y agentes conectados a este proceso."""
    quien = await actor_kiosco(request)
    slug = request.path_params["centro"]
    centro_id = await run_in_threadpool(_centro_id, request, slug)
    if quien is None or not (
        quien.puede(Permiso.VER_TABLERO, centro_id) or quien.puede(Permiso.OPERAR, centro_id)
    ):
        exigir(quien, Permiso.VER_TABLERO, centro_id)
    estado = request.query_params.get("estado")  # presente y vacío también es un error
    if estado not in (None, "pendiente", "impreso", "fallido"):
        raise EntradaInvalida("estado: pendiente, impreso o fallido.")
    datos = await run_in_threadpool(trabajos.listar, request.app.state.alm, slug, estado)
    datos["agentes"] = servicio(request.app).agentes.de_centro(centro_id)
    return JSONResponse(datos)


RUTAS: list[Any] = [
    Route("/kiosco/{centro}", pagina_kiosco, methods=["GET"]),
    Route("/kiosco/{centro}/reimprimir", form_reimprimir, methods=["POST"]),
    Route("/api/v1/kiosco/{centro}/turnos", api_emitir, methods=["POST"]),
    Route("/api/v1/centros/{centro}/turnos/{folio}/reimprimir", api_reimprimir, methods=["POST"]),
    Route("/api/v1/centros/{centro}/impresiones", api_impresiones, methods=["GET"]),
    *seguimiento.RUTAS,
    WebSocketRoute("/ws/agente", ws_agente),
]

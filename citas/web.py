"""API pública de citas (DESIGN.md §4): disponibilidad, crear, estado, cancelar, reprogramar y
.ics, sin inicio de sesión y con límite de tasa; y el registro de la cita en el kiosco."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from citas import ics, registro, reservas
from citas.limites import limitar
from citas.servicio import despertar
from turnos.errores import EntradaInvalida
from turnos.kit import campo_texto, cuerpo, nucleo, turno_en_kiosco
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import consultas

SIN_CACHE = {"Cache-Control": "no-store"}


def _fecha(request: Request, campo: str) -> date:
    valor = request.query_params.get(campo, "")
    try:
        return date.fromisoformat(valor)
    except ValueError:
        raise EntradaInvalida(f"Indique «{campo}» como AAAA-MM-DD.") from None


def url_publica(request: Request) -> str:
    base = nucleo(request).settings.url_publica or str(request.base_url)
    return base.rstrip("/")


async def disponibilidad(request: Request) -> Response:
    if (exceso := limitar(request, "consulta")) is not None:
        return exceso
    ctx = nucleo(request)
    tramite = request.query_params.get("tramite", "").strip().upper()[:20]
    if not tramite:
        raise EntradaInvalida("Indique «tramite» (su clave).")
    hoy = ctx.ahora().date()
    desde = _fecha(request, "desde") if "desde" in request.query_params else hoy
    hasta = _fecha(request, "hasta") if "hasta" in request.query_params else desde
    datos = await run_in_threadpool(
        reservas.disponibilidad,
        ctx.alm,
        request.path_params["centro"],
        tramite,
        desde,
        hasta,
        ctx.ahora(),
    )
    return JSONResponse(datos)


async def crear(request: Request) -> Response:
    if (exceso := limitar(request, "reserva")) is not None:
        return exceso
    ctx = nucleo(request)
    datos = await cuerpo(request)
    if isinstance(datos.get("tramite"), str):
        datos["tramite"] = datos["tramite"].strip().upper()
    cita = await run_in_threadpool(
        reservas.crear,
        ctx.alm,
        request.path_params["centro"],
        datos,
        ctx.ahora(),
        url_publica(request),
    )
    cita["enlace"] = f"{url_publica(request)}/citas/{cita['token']}"
    despertar(request.app)
    return JSONResponse(cita, status_code=201, headers=SIN_CACHE)


async def estado(request: Request) -> Response:
    if (exceso := limitar(request, "consulta")) is not None:
        return exceso
    datos = await run_in_threadpool(
        reservas.estado, nucleo(request).alm, request.path_params["token"]
    )
    return JSONResponse(datos, headers=SIN_CACHE)


async def cancelar(request: Request) -> Response:
    if (exceso := limitar(request, "reserva")) is not None:
        return exceso
    ctx = nucleo(request)
    datos = await run_in_threadpool(
        reservas.cancelar, ctx.alm, request.path_params["token"], ctx.ahora(), url_publica(request)
    )
    despertar(request.app)
    return JSONResponse(datos, headers=SIN_CACHE)


async def reprogramar(request: Request) -> Response:
    if (exceso := limitar(request, "reserva")) is not None:
        return exceso
    ctx = nucleo(request)
    datos = await cuerpo(request)
    resultado = await run_in_threadpool(
        reservas.reprogramar,
        ctx.alm,
        request.path_params["token"],
        datos.get("inicio"),
        ctx.ahora(),
    )
    despertar(request.app)
    return JSONResponse(resultado, headers=SIN_CACHE)


async def calendario(request: Request) -> Response:
    if (exceso := limitar(request, "consulta")) is not None:
        return exceso
    ctx = nucleo(request)
    token = request.path_params["token"]
    datos = await run_in_threadpool(
        reservas.para_ics, ctx.alm, token, f"{url_publica(request)}/citas/{token}"
    )
    return Response(
        ics.calendario(datos, ctx.ahora()),
        media_type="text/calendar; charset=utf-8",
        headers={
            **SIN_CACHE,
            "Content-Disposition": f'attachment; filename="cita-{datos.folio}.ics"',
        },
    )


async def registrar_en_kiosco(request: Request) -> Response:
    """La persona teclea (o escanea) el folio: su cita se vuelve un turno de clase `cita` y el
    kiosco imprime el ticket como el de cualquier turno."""
    if (exceso := limitar(request, "registro")) is not None:
        return exceso
    ctx = nucleo(request)
    slug = request.path_params["centro"]
    cita: dict[str, Any] = {}

    def centro_id() -> int:
        with ctx.alm.lectura() as conn:
            return consultas.centro(conn, slug).id

    async def emitir(quien: Actor | None) -> dict[str, Any]:
        # Primero quién pide (y con qué permiso), luego el cuerpo: nadie sin permiso aprende
        # nada de la forma de la petición (la matriz de roles lo vigila).
        exigir(quien, Permiso.EMITIR, await run_in_threadpool(centro_id))
        datos = await cuerpo(request)
        folio = campo_texto(datos, "folio", requerido=True, maximo=40)
        turno = await run_in_threadpool(
            registro.registrar, ctx.alm, slug, folio, quien, ctx.ahora()
        )
        cita.update(turno["cita"])
        return turno

    salida = await turno_en_kiosco(request, emitir)
    # Contrato (§4): ticket.clase es la clase ("cita"); la etiqueta legible va en clase_texto.
    ticket = salida["ticket"]
    salida["ticket"] = {**ticket, "clase": "cita", "clase_texto": ticket.get("clase", "")}
    return JSONResponse({**salida, "cita": cita}, status_code=201, headers=SIN_CACHE)


RUTAS: list[Any] = [
    Route("/api/v1/centros/{centro}/citas/disponibilidad", disponibilidad, methods=["GET"]),
    Route("/api/v1/centros/{centro}/citas", crear, methods=["POST"]),
    Route("/api/v1/citas/{token}", estado, methods=["GET"]),
    Route("/api/v1/citas/{token}/cancelar", cancelar, methods=["POST"]),
    Route("/api/v1/citas/{token}/reprogramar", reprogramar, methods=["POST"]),
    Route("/api/v1/citas/{token}/ics", calendario, methods=["GET"]),
    Route("/api/v1/kiosco/{centro}/citas", registrar_en_kiosco, methods=["POST"]),
]

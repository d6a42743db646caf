"""API pública del buzón (DESIGN.md §4): abrir una manifestación y consultarla por folio y
clave. Sin inicio de sesión, con límite de tasa y campo trampa."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from buzon import casos
from buzon.limites import TRAMPA, limitar
from buzon.servicio import despertar
from turnos.errores import EntradaInvalida
from turnos.kit import cuerpo, nucleo

SIN_CACHE = {"Cache-Control": "no-store"}


async def crear(request: Request) -> Response:
    if (exceso := limitar(request, "envio")) is not None:
        return exceso
    ctx = nucleo(request)
    datos = await cuerpo(request)
    if datos.get(TRAMPA):
        raise EntradaInvalida("No pudimos recibir su manifestación.", "rechazada")
    anonima = datos.get("anonima") is True
    turno = datos.get("turno")
    if turno is not None and not isinstance(turno, str):
        raise EntradaInvalida("El campo «turno» es el folio del turno (texto).")
    resultado = await run_in_threadpool(
        lambda: casos.abrir(
            ctx.alm,
            request.path_params["centro"],
            tipo=datos.get("tipo"),  # type: ignore[arg-type]  # casos.validar lo revisa
            descripcion=datos.get("descripcion"),  # type: ignore[arg-type]
            turno_folio=turno or "",
            correo_=None if anonima else datos.get("correo"),
            telefono=None if anonima else datos.get("telefono"),
            asunto=datos.get("asunto") or "",
            canal="kiosco" if datos.get("canal") == "kiosco" else "web",
            ahora=ctx.ahora(),
        )
    )
    despertar(request.app)
    return JSONResponse(resultado, status_code=201, headers=SIN_CACHE)


async def consultar(request: Request) -> Response:
    if (exceso := limitar(request, "consulta")) is not None:
        return exceso
    datos: dict[str, Any] = await run_in_threadpool(
        casos.consultar,
        nucleo(request).alm,
        request.path_params["folio"],
        request.query_params.get("clave", "")[:40],
    )
    return JSONResponse(datos, headers=SIN_CACHE)


RUTAS: list[Any] = [
    Route("/api/v1/centros/{centro}/manifestaciones", crear, methods=["POST"]),
    Route("/api/v1/manifestaciones/{folio}", consultar, methods=["GET"]),
]

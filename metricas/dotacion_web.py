"""Consejo de dotación: `GET /api/v1/centros/{centro}/dotacion?fecha=` (JSON) y la página
`/tablero/{centro}/dotacion` (jefe, admin, auditor). El cálculo: `turnos.servicios.dotacion`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from turnos.dominio.numeracion import dia_local
from turnos.errores import EntradaInvalida
from turnos.kit import render
from turnos.permisos import Permiso
from turnos.servicios import consultas as nucleo
from turnos.servicios import dotacion


async def _leer(request: Request) -> tuple[Any, dict[str, Any]] | Response:
    from metricas.web import _autorizado, _fecha

    quien = await _autorizado(request, Permiso.VER_TABLERO)
    if isinstance(quien, Response):
        return quien
    slug = request.path_params["centro"]
    alm = request.app.state.alm
    valor = request.query_params.get("fecha")
    if valor is not None and not valor.strip():
        raise EntradaInvalida("Indique la fecha como AAAA-MM-DD (o quite el parámetro).")

    def calcular() -> dict[str, Any]:
        with alm.lectura() as conn:
            zona = nucleo.centro(conn, slug).zona
        manana = dia_local(request.app.state.reloj(), zona) + timedelta(days=1)
        return dotacion.plan(alm, slug, _fecha(valor, manana))

    return quien, await run_in_threadpool(calcular)


async def api_dotacion(request: Request) -> Response:
    r = await _leer(request)
    if isinstance(r, Response):
        return r
    return JSONResponse(r[1])


async def pagina_dotacion(request: Request) -> Response:
    r = await _leer(request)
    if isinstance(r, Response):
        return r
    quien, plan = r
    return render(request, "dotacion.html", {"usuario": quien, "p": plan})


RUTAS: list[Any] = [
    Route("/api/v1/centros/{centro}/dotacion", api_dotacion, methods=["GET"]),
    Route("/tablero/{centro}/dotacion", pagina_dotacion, methods=["GET"]),
]

"""`GET /api/v1/centros/{centro}/encuestas/resumen?fecha=AAAA-MM-DD` (tablero): CSAT del día con
n e intervalo de 95 % y la tasa de respuesta. El fragmento del tablero lo lee al cargar."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from encuestas import resultados
from turnos.errores import EntradaInvalida
from turnos.kit import actor, nucleo
from turnos.permisos import Permiso, exigir
from turnos.servicios import consultas


async def resumen(request: Request) -> Response:
    ctx = nucleo(request)
    quien = await actor(request)
    crudo = request.query_params.get("fecha")
    try:
        fecha = None if crudo is None else date.fromisoformat(crudo)
    except ValueError:
        raise EntradaInvalida("Indique «fecha» como AAAA-MM-DD.") from None

    def leer() -> dict[str, Any]:
        with ctx.alm.lectura() as conn:
            c = consultas.centro(conn, request.path_params["centro"])
            exigir(quien, Permiso.VER_TABLERO, c.id)
            from zoneinfo import ZoneInfo

            dia = fecha or ctx.ahora().astimezone(ZoneInfo(c.zona)).date()
            return resultados.resumen_dia(conn, c.id, dia, c.zona)

    return JSONResponse(await run_in_threadpool(leer), headers={"Cache-Control": "no-store"})


RUTAS = [Route("/api/v1/centros/{centro}/encuestas/resumen", resumen)]

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from turnos.kit import actor, nucleo
from turnos.permisos import exigir


async def saludos(request: Request) -> JSONResponse:
    exigir(await actor(request), "ver_saludos")  # permiso que agrega el registro

    def leer() -> list[str]:
        with nucleo(request).alm.lectura() as conn:
            return list(
                conn.execute(text("SELECT texto FROM juguete_saludo ORDER BY id")).scalars()
            )

    return JSONResponse({"saludos": await run_in_threadpool(leer)})


RUTAS = [Route("/juguete/saludos", saludos)]

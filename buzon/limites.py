"""Límite de tasa del buzón (limitador común del núcleo) y campo trampa contra robots: el
formulario del kiosco no puede pedir un CAPTCHA, así que un campo oculto que una persona nunca
llena delata al robot que sí lo hace."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from turnos.kit import direccion, limitador

LIMITES = {
    "envio": "5/minute;30/hour",  # abrir un caso o agregar información
    "consulta": "30/minute",  # ver un caso por folio y clave (la clave no se adivina a tientas)
}
TRAMPA = "sitio_web"


def espera(request: Request, grupo: str) -> int | None:
    reglas, ids = LIMITES[grupo], (f"buzon-{grupo}", direccion(request))
    lim = limitador(request.app)
    segundos = lim.espera(reglas, *ids)
    if segundos:
        return segundos
    lim.contar(reglas, *ids)
    return None


def demasiadas(segundos: int) -> JSONResponse:
    return JSONResponse(
        {
            "error": "demasiadas_solicitudes",
            "mensaje": f"Demasiadas solicitudes seguidas; intente de nuevo en {segundos} s.",
        },
        status_code=429,
        headers={"Retry-After": str(segundos)},
    )


def limitar(request: Request, grupo: str) -> JSONResponse | None:
    segundos = espera(request, grupo)
    return None if segundos is None else demasiadas(segundos)

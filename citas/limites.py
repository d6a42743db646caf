"""Límite de tasa de los endpoints públicos de citas: el limitador común del núcleo
(`turnos.kit.limitador`, biblioteca `limits`; en memoria o compartido por Redis con
`TURNOS_LIMITES_URL`), contado por dirección y por grupo de operaciones."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from turnos.kit import direccion, limitador

LIMITES = {
    "consulta": "120/minute",  # disponibilidad, estado, .ics
    "reserva": "10/minute",  # crear, cancelar, reprogramar
    "registro": "60/minute",  # kiosco: una persona tecleando folios
    "apartado": "20/minute",  # elegir hora aparta un lugar unos minutos
}


def espera(request: Request, grupo: str) -> int | None:
    """Segundos que debe esperar quien pide (None: puede pasar; si pasa, cuenta la petición)."""
    lim, reglas, ids = (
        limitador(request.app),
        LIMITES[grupo],
        (f"citas-{grupo}", direccion(request)),
    )
    segundos = lim.espera(reglas, *ids)
    if segundos:
        return segundos
    lim.contar(reglas, *ids)
    return None


def limitar(request: Request, grupo: str) -> JSONResponse | None:
    """None si pasa; si no, la respuesta 429 JSON con Retry-After."""
    segundos = espera(request, grupo)
    if segundos is None:
        return None
    return JSONResponse(
        {
            "error": "demasiadas_solicitudes",
            "mensaje": f"Demasiadas solicitudes seguidas; intente de nuevo en {segundos} s.",
        },
        status_code=429,
        headers={"Retry-After": str(segundos)},
    )

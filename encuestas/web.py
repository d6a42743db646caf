"""API pública de la encuesta (DESIGN.md §4): responder con la clave de un solo uso (tableta o
teléfono) y leer sus preguntas. La clave es la credencial; límite de tasa por dirección."""

from __future__ import annotations

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from encuestas import descripcion, servicio
from turnos.errores import DemasiadosIntentos, EntradaInvalida, NoEncontrado
from turnos.kit import actor as actor_de
from turnos.kit import cuerpo, direccion, limitador, nucleo
from turnos.permisos import TipoDispositivo

log = logging.getLogger(__name__)

SIN_CACHE = {"Cache-Control": "no-store"}
LIMITES = {
    "respuesta": "20/minute",  # una tableta contesta a lo más un turno por atención
    "consulta": "120/minute",
}


def limitar(request: Request, grupo: str) -> None:
    lim, reglas = limitador(request.app), LIMITES[grupo]
    ids = (f"encuestas-{grupo}", direccion(request))
    segundos = lim.espera(reglas, *ids)
    if segundos:
        raise DemasiadosIntentos(
            f"Demasiadas solicitudes; intente de nuevo en {segundos} s.", segundos
        )
    lim.contar(reglas, *ids)


def _contacto(datos: dict[str, Any]) -> dict[str, Any] | None:
    """«Quiero que me contacten»: exige aceptar el aviso de privacidad y un correo o teléfono."""
    c = datos.get("contacto")
    if c is None or c is False:
        return None
    if not isinstance(c, dict):
        raise EntradaInvalida("«contacto» debe ser un objeto {correo, telefono, acepto_aviso}.")
    if c.get("acepto_aviso") is not True:
        raise EntradaInvalida("Para contactarle, acepte el aviso de privacidad.")
    correo = c.get("correo") or ""
    telefono = c.get("telefono") or ""
    if not isinstance(correo, str) or not isinstance(telefono, str):
        raise EntradaInvalida("Correo y teléfono deben ser texto.")
    correo, telefono = correo.strip()[:200], telefono.strip()[:30]
    if correo and ("@" not in correo or " " in correo):
        raise EntradaInvalida("Revise el correo electrónico.")
    if not correo and not telefono:
        raise EntradaInvalida("Para contactarle, escriba un correo o un teléfono.")
    return {"correo": correo or None, "telefono": telefono or None}


async def responder(request: Request) -> Response:
    limitar(request, "respuesta")
    ctx = nucleo(request)
    clave = request.path_params["clave"][:64]
    datos = await cuerpo(request)
    contacto = _contacto(datos)
    quien = await actor_de(request)
    canal = "tableta" if quien is not None and quien.rol == TipoDispositivo.TABLETA else "telefono"
    abrir = descripcion.buzon()
    if contacto is not None and abrir is None:
        raise EntradaInvalida("Este centro no tiene buzón para contactarle.", "sin_buzon")
    hecho = await run_in_threadpool(servicio.responder, ctx.alm, clave, datos, ctx.ahora(), canal)
    respuesta: dict[str, Any] = {
        "estado": hecho["estado"],
        "calificacion": hecho["calificacion"],
        "canal": canal,
        "manifestacion": None,
    }
    if contacto is not None and abrir is not None and hecho["calificacion"] <= servicio.BAJA:
        respuesta["manifestacion"] = await run_in_threadpool(
            _abrir_caso, ctx, abrir, clave, hecho, datos, contacto
        )
    return JSONResponse(respuesta, status_code=201, headers=SIN_CACHE)


def _abrir_caso(
    ctx: Any,
    abrir: Any,
    clave: str,
    hecho: dict[str, Any],
    datos: dict[str, Any],
    contacto: dict[str, Any],
) -> dict[str, Any] | None:
    """Cierra el círculo: una queja en el buzón, ligada al turno. La respuesta ya quedó
    guardada; si el buzón falla, se informa sin perderla."""
    motivos = ", ".join(servicio.MOTIVOS[m] for m in datos.get("motivos") or [])
    texto = f"Encuesta de satisfacción: calificó «{servicio.CALIFICACIONES[hecho['calificacion']]}»"
    if motivos:
        texto += f" (motivos: {motivos})"
    comentario = str(datos.get("comentario") or "").strip()
    if comentario:
        texto += f". Comentario: {comentario}"
    try:
        caso = abrir(
            ctx.alm,
            hecho["centro"],
            tipo="queja",
            descripcion=texto,
            turno_id=hecho["turno_id"],
            correo=contacto["correo"],
            telefono=contacto["telefono"],
            canal="encuesta",
            ahora=ctx.ahora(),
        )
    except Exception:  # el buzón es otra capacidad: su falla no borra la respuesta
        log.exception("no se pudo abrir el caso del buzón desde una encuesta")
        return None
    servicio.guardar_manifestacion(ctx.alm, clave, str(caso.get("folio", "")))
    return {k: caso.get(k) for k in ("folio", "clave", "estado", "vence")}


async def leer(request: Request) -> Response:
    limitar(request, "consulta")
    clave = request.path_params["clave"][:64]
    ctx = nucleo(request)

    def buscar() -> dict[str, Any]:
        with ctx.alm.lectura() as conn:
            d = descripcion.por_clave(conn, clave)
        if d is None:
            raise NoEncontrado("No encontramos esa encuesta.", "encuesta_no_encontrada")
        return d

    return JSONResponse(await run_in_threadpool(buscar), headers=SIN_CACHE)


RUTAS = [
    Route("/api/v1/encuestas/{clave}", responder, methods=["POST"]),
    Route("/api/v1/encuestas/{clave}", leer, methods=["GET"]),
]

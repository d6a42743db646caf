"""Kit público para capacidades: lo único de la plomería web/CLI del núcleo que una extensión
importa. `turnos.web.*` y `turnos.cli` son internos y pueden cambiar; esto no sin aviso.
(El dominio, los servicios, `turnos.errores`, `turnos.permisos`, `turnos.tiempo` y
`turnos.eventos` también son públicos para las capacidades.)

Una prueba (tests/unit/test_contrato_importacion.py) impide que una capacidad importe la web
del núcleo o a otra capacidad.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from turnos.capacidades import (
    Capacidad,
    CierreTurno,
    Enlace,
    FragmentoOpenAPI,
    TablaReporte,
    servicio,
)
from turnos.db.almacen import Almacen
from turnos.eventos.hub import Hub, Suscripcion
from turnos.eventos.websocket import leer_hasta_cerrar
from turnos.permisos import Actor
from turnos.settings import Settings
from turnos.web.api import campo_texto, cuerpo, peticion_idempotente
from turnos.web.auth import actor, actor_con_csrf, csrf_token, por_sesion, verificar_csrf
from turnos.web.conexiones import registrar as registrar_conexion
from turnos.web.contexto import Nucleo, nucleo
from turnos.web.entrada import formulario
from turnos.web.limites import de as limitador
from turnos.web.limites import direccion
from turnos.web.openapi import objeto, operacion, respuesta_json, salida
from turnos.web.personal import avisar, render

__all__ = [
    "Capacidad",
    "CierreTurno",
    "Enlace",
    "FragmentoOpenAPI",
    "Hub",
    "Nucleo",
    "Suscripcion",
    "TablaReporte",
    "abrir_almacen",
    "actor",
    "actor_con_csrf",
    "avisar",
    "campo_texto",
    "csrf_token",
    "cuerpo",
    "direccion",
    "formulario",
    "leer_hasta_cerrar",
    "limitador",
    "nucleo",
    "objeto",
    "operacion",
    "plantillas",
    "peticion_idempotente",
    "por_sesion",
    "registrar_conexion",
    "render",
    "salida",
    "servicio",
    "respuesta_json",
    "verificar_csrf",
    "turno_en_kiosco",
]


def abrir_almacen(args: argparse.Namespace | Any) -> tuple[Settings, Almacen]:
    """Para un comando CLI: settings (`--db` o TURNOS_DB) y almacén con las migraciones al día."""
    from turnos.cli import _almacen

    return _almacen(args)


def plantillas() -> Jinja2Templates:
    """Las plantillas del núcleo y de las capacidades, para renderizar fuera de una petición."""
    from turnos.web.app import plantillas as armar

    return armar()


async def turno_en_kiosco(
    request: Request, emitir: Callable[[Actor | None], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """Un turno que otra capacidad crea en el kiosco (p. ej. una cita registrada), entregado
    como los del kiosco: con la capacidad que atiende el kiosco, su credencial y su ticket
    impreso; sin ella, token Bearer o sesión y sin impresión."""
    for cap in nucleo(request).capacidades:
        if cap.turno_en_kiosco is not None:
            return await cap.turno_en_kiosco(request, emitir)
    turno = await emitir(await actor_con_csrf(request))
    return {
        "ticket": {
            "folio": turno["folio"],
            "tramite": turno["tramite_nombre"],
            "clase": turno["clase"],
        },
        "impresion": {"estado": "sin_impresora", "mensaje": "", "motivo": ""},
        "regreso_s": 10,
    }

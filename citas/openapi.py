"""Fragmento OpenAPI de las rutas /api/v1 de citas (se une al documento del núcleo)."""

from __future__ import annotations

from typing import Any

from turnos.kit import objeto, operacion
from turnos.kit import respuesta_json as _json

_ERROR = {"$ref": "#/components/responses/Error"}
_S = {"type": "string"}
_I = {"type": "integer"}
_FECHA_HORA = {"type": "string", "format": "date-time"}
_429 = {
    "description": "Demasiadas solicitudes: espere los segundos de Retry-After",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_ESTADOS = ["agendada", "registrada", "atendida", "no_presentada", "cancelada"]

ESQUEMAS: dict[str, Any] = {
    "Disponibilidad": objeto(
        tramite=_S,
        horarios={
            "type": "array",
            "items": objeto(inicio=_FECHA_HORA, fin=_FECHA_HORA, libres=_I),
        },
    ),
    "NuevaCita": {
        **objeto(
            tramite=_S,
            inicio={**_FECHA_HORA, "description": "ISO 8601 con desfase, como en disponibilidad"},
            nombre=_S,
            curp={**_S, "description": "18 caracteres; sexo H, M o X; se valida el dígito"},
            correo=_S,
            telefono=_S,
        ),
        "required": ["tramite", "inicio", "nombre", "curp"],
    },
    "Cita": objeto(
        folio=_S,
        token={**_S, "description": "solo al crearla: la llave del enlace /citas/{token}"},
        enlace=_S,
        estado={"type": "string", "enum": _ESTADOS},
        inicio=_FECHA_HORA,
        fin=_FECHA_HORA,
        tramite=_S,
        tramite_nombre=_S,
        centro=_S,
        centro_nombre=_S,
        secuencia={**_I, "description": "SEQUENCE del .ics; sube en cada cambio"},
    ),
    "Reprogramacion": {**objeto(inicio=_FECHA_HORA), "required": ["inicio"]},
    "RegistroCita": {
        **objeto(folio={**_S, "description": "C-XXXXXX, con o sin guion (también del QR)"}),
        "required": ["folio"],
    },
    "TicketCita": objeto(
        ticket=objeto(folio=_S, clase={"type": "string", "enum": ["cita"]}, clase_texto=_S),
        impresion=objeto(estado=_S, mensaje=_S, motivo=_S),
        regreso_s=_I,
        cita=objeto(folio=_S, inicio=_FECHA_HORA),
    ),
}

PARAMETROS: dict[str, Any] = {
    "cita_token": {"name": "token", "in": "path", "required": True, "schema": _S},
    "cita_tramite": {"name": "tramite", "in": "query", "required": True, "schema": _S},
    "cita_desde": {"name": "desde", "in": "query", "schema": {**_S, "format": "date"}},
    "cita_hasta": {"name": "hasta", "in": "query", "schema": {**_S, "format": "date"}},
}


def _publica(resumen: str, respuestas: dict[str, Any], **kw: Any) -> dict[str, Any]:
    op = operacion(resumen, {**respuestas, "429": _429}, seguridad=False, **kw)
    return op


RUTAS: dict[str, Any] = {
    "/api/v1/centros/{centro}/citas/disponibilidad": {
        "get": _publica(
            "Horarios de cita de un trámite con sus lugares libres (hora del centro)",
            {"200": _json("Disponibilidad"), "409": _ERROR},
            parametros=("centro", "cita_tramite", "cita_desde", "cita_hasta"),
        )
    },
    "/api/v1/centros/{centro}/citas": {
        "post": _publica(
            "Agenda una cita. Errores 409: cupo_agotado, limite_por_persona,"
            " horario_no_disponible; 400: curp_invalida",
            {"201": _json("Cita", "Cita agendada"), "409": _ERROR},
            cuerpo="NuevaCita",
            parametros=("centro",),
        )
    },
    "/api/v1/citas/{token}": {
        "get": _publica(
            "Estado de la cita (sin datos personales)",
            {"200": _json("Cita")},
            parametros=("cita_token",),
        )
    },
    "/api/v1/citas/{token}/cancelar": {
        "post": _publica(
            "Cancela la cita y libera su lugar",
            {"200": _json("Cita"), "409": _ERROR},
            parametros=("cita_token",),
        )
    },
    "/api/v1/citas/{token}/reprogramar": {
        "post": _publica(
            "Cambia la cita a otro horario (409 cupo_agotado si está lleno)",
            {"200": _json("Cita"), "409": _ERROR},
            cuerpo="Reprogramacion",
            parametros=("cita_token",),
        )
    },
    "/api/v1/kiosco/{centro}/citas": {
        "post": operacion(
            "Registra la cita al llegar: turno de clase cita con su ticket. 409: cita_temprana,"
            " cita_tarde (ofrezca un turno general), cita_registrada",
            {"201": _json("TicketCita", "Turno de la cita"), "409": _ERROR, "429": _429},
            cuerpo="RegistroCita",
            parametros=("centro",),
            esquemas=("bearer", "sesion"),
        )
    },
    "/api/v1/citas/{token}/ics": {
        "get": _publica(
            "La cita en iCalendar (UTC, UID estable, SEQUENCE, METHOD REQUEST o CANCEL)",
            {"200": {"description": "text/calendar", "content": {"text/calendar": {}}}},
            parametros=("cita_token",),
        )
    },
}

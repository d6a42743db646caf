"""Fragmento OpenAPI de las rutas /api/v1 de encuestas (se une al documento del núcleo)."""

from __future__ import annotations

from typing import Any

from turnos.kit import objeto, operacion, salida
from turnos.kit import respuesta_json as _json

_ERROR = {"$ref": "#/components/responses/Error"}
_S = {"type": "string"}
_I = {"type": "integer"}
_NUM = {"type": ["number", "null"]}
_429 = {
    "description": "Demasiadas solicitudes: espere los segundos de Retry-After",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_1A5 = {"type": "integer", "minimum": 1, "maximum": 5}
_MOTIVOS = ["espera", "trato", "informacion", "requisitos", "instalaciones"]

ESQUEMAS: dict[str, Any] = {
    "RespuestaEncuesta": {
        **objeto(
            calificacion=_1A5,
            motivos={"type": "array", "items": {"type": "string", "enum": _MOTIVOS}},
            comentario={"type": "string", "maxLength": 500},
            reactivos={
                "type": "object",
                "description": "reactivos ENCIG que pregunta el centro: tiempo, trato, informacion",
                "additionalProperties": _1A5,
            },
            contacto={
                **objeto(correo=_S, telefono=_S, acepto_aviso={"type": "boolean"}),
                "description": "«quiero que me contacten» (calificación baja; abre una queja en el"
                " buzón si está instalado; exige aceptar el aviso de privacidad)",
            },
        ),
        "required": ["calificacion"],
    },
    "EncuestaRespondida": salida(
        estado={"type": "string", "enum": ["respondida"]},
        calificacion=_I,
        canal={"type": "string", "enum": ["tableta", "telefono"]},
        manifestacion={
            "type": ["object", "null"],
            "properties": {"folio": _S, "clave": _S, "estado": _S, "vence": _S},
        },
    ),
    "Encuesta": salida(
        estado={"type": "string", "enum": ["pendiente", "respondida"]},
        folio=_S,
        tramite=_S,
        pregunta=_S,
        mensaje_reposo=_S,
        calificaciones={"type": "array", "items": objeto(valor=_I, texto=_S)},
        motivos={"type": "array", "items": objeto(clave=_S, texto=_S)},
        baja=_I,
        reactivos={"type": "array", "items": objeto(clave=_S, texto=_S)},
        contacto={"type": "boolean"},
    ),
    "ResumenEncuesta": salida(
        fecha=_S,
        respuestas=_I,
        csat_pct=_NUM,
        ic95_inferior_pct=_NUM,
        ic95_superior_pct=_NUM,
        promedio=_NUM,
        atendidos=_I,
        tasa_respuesta_pct=_NUM,
        texto=_S,
        texto_tasa=_S,
    ),
}

PARAMETROS: dict[str, Any] = {
    "encuesta_clave": {"name": "clave", "in": "path", "required": True, "schema": _S},
    "encuesta_fecha": {"name": "fecha", "in": "query", "schema": {**_S, "format": "date"}},
}

RUTAS: dict[str, Any] = {
    "/api/v1/encuestas/{clave}": {
        "post": operacion(
            "Responde la encuesta de un turno atendido (una vez). 409 encuesta_respondida;"
            " 404 clave desconocida. Con token de tableta cuenta como canal tableta",
            {"201": _json("EncuestaRespondida", "Respuesta guardada"), "409": _ERROR, "429": _429},
            cuerpo="RespuestaEncuesta",
            seguridad=False,
            parametros=("encuesta_clave",),
        ),
        "get": operacion(
            "Las preguntas de la encuesta (textos listos) y si sigue pendiente",
            {"200": _json("Encuesta"), "429": _429},
            seguridad=False,
            parametros=("encuesta_clave",),
        ),
    },
    "/api/v1/centros/{centro}/encuestas/resumen": {
        "get": operacion(
            "CSAT del día (proporción de 4 y 5) con n, intervalo de Wilson al 95 % y tasa de"
            " respuesta",
            {"200": _json("ResumenEncuesta")},
            parametros=("centro", "encuesta_fecha"),
        )
    },
}

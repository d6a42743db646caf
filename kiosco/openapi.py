"""Fragmento OpenAPI de las rutas /api/v1 del kiosco, para unirlo al documento del núcleo:

    paths = {**turnos.web.openapi.RUTAS, **kiosco.openapi.RUTAS}
    schemas = {**ESQUEMAS_NUCLEO, **kiosco.openapi.ESQUEMAS}
    parameters = {**PARAMETROS_NUCLEO, **kiosco.openapi.PARAMETROS}

Usa los componentes `Error` (respuesta), `centro` y `token` (parámetros) del núcleo.
"""

from __future__ import annotations

from typing import Any

from turnos.kit import objeto as _objeto
from turnos.kit import operacion
from turnos.kit import respuesta_json as _json
from turnos.kit import salida as _salida

_ERROR = {"$ref": "#/components/responses/Error"}
_S = {"type": "string"}
_I = {"type": "integer"}


def _ref(tipo: str, nombre: str) -> dict[str, str]:
    return {"$ref": f"#/components/{tipo}/{nombre}"}


_IMPRESION = _objeto(
    estado={"type": "string", "enum": ["impreso", "fallido", "pendiente", "sin_impresora"]},
    mensaje=_S,
    motivo=_S,
    trabajo=_I,
)

ESQUEMAS: dict[str, Any] = {
    "TurnoKiosco": {
        **_objeto(tramite=_S, clase={"type": "string", "enum": ["general", "preferente"]}),
        "required": ["tramite"],
    },
    "TicketKiosco": _salida(
        ticket=_objeto(
            folio=_S,
            centro=_S,
            tramite=_S,
            clase=_S,
            fecha=_S,
            personas=_S,
            espera=_S,
            url=_S,
            texto_qr=_S,
            qr=_objeto(lado=_I, d=_S),
            lectura=_S,  # lo que el modo asistido dice en voz alta
        ),
        impresion=_IMPRESION,
        regreso_s=_I,
    ),
    "Reimpresion": _objeto(dispositivo=_S),
    "ResultadoReimpresion": {**_IMPRESION, "properties": {**_IMPRESION["properties"], "folio": _S}},
    "Impresiones": _objeto(
        centro=_S,
        trabajos={
            "type": "array",
            "items": _objeto(
                id=_I,
                folio=_S,
                impresora=_S,
                dispositivo=_S,
                estado=_S,
                intentos=_I,
                motivo=_S,
                reimpresion={"type": "boolean"},
                creado=_S,
            ),
        },
        agentes={
            "type": "array",
            "items": _objeto(
                dispositivo=_S,
                conectado={"type": "boolean"},
                impresora={"type": ["object", "null"]},
            ),
        },
    ),
    "Seguimiento": _objeto(
        folio=_S,
        centro=_S,
        tramite=_S,
        clase=_S,
        estado=_S,
        titulo=_S,
        detalle=_S,
        llamado={"type": "boolean"},
        personas=_S,
        espera=_S,
        puede_cancelar={"type": "boolean"},
        terminado={"type": "boolean"},
    ),
}

PARAMETROS: dict[str, Any] = {
    "folio": {
        "name": "folio",
        "in": "path",
        "required": True,
        "schema": _S,
        "description": "folio de hoy, p. ej. A-023",
    },
    "estado_impresion": {
        "name": "estado",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["pendiente", "impreso", "fallido"]},
    },
}

# El kiosco también se identifica con su cookie (ver ESQUEMAS_SEGURIDAD).
_CREDENCIALES = ("bearer", "sesion", "kiosco")

RUTAS: dict[str, dict[str, Any]] = {
    "/api/v1/kiosco/{centro}/turnos": {
        "post": operacion(
            "Kiosco: emite el turno (se confirma antes de imprimir) e imprime el ticket;"
            " con la cookie del kiosco exige la cabecera X-Turnos-Kiosco: 1",
            {"201": _json("TicketKiosco", "Turno emitido"), "409": _ERROR},
            parametros=("centro", "idempotencia"),
            cuerpo="TurnoKiosco",
            esquemas=_CREDENCIALES,
        )
    },
    "/api/v1/centros/{centro}/turnos/{folio}/reimprimir": {
        "post": operacion(
            "Reimprime el ticket de un folio de hoy (personal: operar o administrar)",
            {"200": _json("ResultadoReimpresion"), "409": _ERROR},
            parametros=("centro", "folio"),
            cuerpo="Reimpresion",
            esquemas=_CREDENCIALES,
        )
    },
    "/api/v1/centros/{centro}/impresiones": {
        "get": operacion(
            "Trabajos de impresión recientes y agentes de kiosco conectados",
            {"200": _json("Impresiones")},
            parametros=("centro", "estado_impresion"),
            esquemas=_CREDENCIALES,
        )
    },
    "/api/v1/seguimiento/{token}": {
        "get": operacion(
            "Vista preparada del ticket móvil (/t/{token}), sin datos personales",
            {"200": _json("Seguimiento")},
            parametros=("token",),
            seguridad=False,
        )
    },
}

ESQUEMAS_SEGURIDAD: dict[str, Any] = {
    "kiosco": {
        "type": "apiKey",
        "in": "cookie",
        "name": "turnos_kiosco",
        "description": "Token del kiosco guardado al abrir /kiosco/{centro}?token=…",
    }
}

"""Fragmento OpenAPI de las rutas /api/v1 del buzón (se une al documento del núcleo). Open311
vive aparte, bajo /open311/v2, con su propio formato (GeoReport v2)."""

from __future__ import annotations

from typing import Any

from buzon import reglas
from turnos.kit import objeto, operacion, salida
from turnos.kit import respuesta_json as _json

_ERROR = {"$ref": "#/components/responses/Error"}
_S = {"type": "string"}
_FH = {"type": "string", "format": "date-time"}
_429 = {
    "description": "Demasiadas solicitudes: espere los segundos de Retry-After",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_ESTADO = {"type": "string", "enum": list(reglas.ESTADOS)}

ESQUEMAS: dict[str, Any] = {
    "NuevaManifestacion": {
        **objeto(
            tipo={"type": "string", "enum": list(reglas.TIPOS)},
            descripcion={"type": "string", "maxLength": 4000},
            asunto={**_S, "description": "clave del catálogo de asuntos del centro"},
            turno={**_S, "description": "folio del turno relacionado (p. ej. A-012)"},
            correo=_S,
            telefono=_S,
            anonima={"type": "boolean", "description": "true: no se guarda ningún contacto"},
        ),
        "required": ["tipo", "descripcion"],
    },
    "ManifestacionRecibida": salida(
        folio={**_S, "description": "CENTRO-AAAA-NNNNN-V (V: carácter verificador)"},
        clave={**_S, "description": "secreta; solo se entrega aquí"},
        estado=_ESTADO,
        vence=_FH,
    ),
    "Manifestacion": salida(
        folio=_S,
        tipo=_S,
        tipo_texto=_S,
        centro=_S,
        centro_nombre=_S,
        estado=_ESTADO,
        estado_texto=_S,
        abierta={"type": "boolean"},
        recibida=_FH,
        actualizada=_FH,
        vence=_FH,
        resolucion=_S,
        historia={
            "type": "array",
            "items": objeto(tipo=_S, estado=_S, texto=_S, de=_S, fecha=_FH),
        },
    ),
}

PARAMETROS: dict[str, Any] = {
    "buzon_folio": {"name": "folio", "in": "path", "required": True, "schema": _S},
    "buzon_clave": {"name": "clave", "in": "query", "required": True, "schema": _S},
}

RUTAS: dict[str, Any] = {
    "/api/v1/centros/{centro}/manifestaciones": {
        "post": operacion(
            "Abre una queja, sugerencia, felicitación, denuncia o petición (folio y clave)",
            {"201": _json("ManifestacionRecibida", "Recibida"), "429": _429},
            cuerpo="NuevaManifestacion",
            seguridad=False,
            parametros=("centro",),
        )
    },
    "/api/v1/manifestaciones/{folio}": {
        "get": operacion(
            "Estado e historia pública de un caso (clave errónea: 404)",
            {"200": _json("Manifestacion"), "429": _429},
            seguridad=False,
            parametros=("buzon_folio", "buzon_clave"),
        )
    },
}

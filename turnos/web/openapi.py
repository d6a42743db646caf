"""Documento OpenAPI 3.1 de /api/v1. Una prueba compara sus rutas con las de la app."""

from __future__ import annotations

from typing import Any

from turnos import __version__

_ERROR = {"$ref": "#/components/responses/Error"}

# Acciones de POST /api/v1/centros/{centro}/ventanillas/{numero}/{accion} (api.py las despacha).
ACCIONES_VENTANILLA = (
    "abrir",
    "pausar",
    "cerrar",
    "llamar",
    "rellamar",
    "iniciar",
    "finalizar",
    "ausente",
    "transferir",
    "registrar",
)


def operacion(
    resumen: str,
    respuestas: dict[str, Any],
    *,
    cuerpo: str | None = None,
    seguridad: bool = True,
    parametros: tuple[str, ...] = (),
    esquemas: tuple[str, ...] = ("bearer", "sesion"),
) -> dict[str, Any]:
    """Una operación OpenAPI con los errores comunes; `esquemas`: credenciales que acepta."""
    op: dict[str, Any] = {
        "summary": resumen,
        "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parametros],
        "responses": {**respuestas, "400": _ERROR, "404": _ERROR},
        "security": [{e: []} for e in esquemas] if seguridad else [],
    }
    if seguridad:
        op["responses"].update({"401": _ERROR, "403": _ERROR})
    if cuerpo:
        op["requestBody"] = {
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{cuerpo}"}}}
        }
    return op


def respuesta_json(schema: str, descripcion: str = "OK") -> dict[str, Any]:
    return {
        "description": descripcion,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def objeto(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


_S = {"type": "string"}
_I = {"type": "integer"}
_N = {"type": ["string", "null"]}

ESQUEMAS: dict[str, Any] = {
    "Error": {**objeto(error=_S, mensaje=_S), "required": ["error", "mensaje"]},
    "Salud": objeto(estado=_S),
    "Centro": objeto(
        slug=_S,
        nombre=_S,
        zona=_S,
        horario={"type": "object"},
        horario_texto=_S,
        inhabiles={"type": "array", "items": _S},
        tolerancia_min=_I,
        mensajes={"type": "array", "items": _S},
    ),
    "Tramite": objeto(
        clave=_S,
        nombre=_S,
        prefijo=_S,
        categoria=_S,
        descripcion=_S,
        requisitos=_S,
        costo=_S,
        plazo_respuesta=_S,
        modalidad=_S,
        fundamento=_S,
        unidad_responsable=_S,
        nivel_digitalizacion=_I,
        url_en_linea=_S,
        espera_maxima_min={"type": ["integer", "null"]},
        atencion_maxima_min={"type": ["integer", "null"]},
        orden=_I,
        activo={"type": "boolean"},
    ),
    "Tramites": {"type": "array", "items": {"$ref": "#/components/schemas/Tramite"}},
    "NuevoTurno": {
        **objeto(tramite=_S, clase={"type": "string", "enum": ["general", "preferente"]}),
        "required": ["tramite"],
    },
    "TurnoEmitido": objeto(
        folio=_S,
        token=_S,
        tramite=_S,
        tramite_nombre=_S,
        clase=_S,
        origen=_S,
        estado=_S,
        personas_delante=_I,
        emitido=_S,
        centro=_S,
        centro_nombre=_S,
    ),
    "TurnoPublico": objeto(
        id=_I,
        folio=_S,
        centro=_S,
        centro_nombre=_S,
        tramite=_S,
        tramite_nombre=_S,
        clase=_S,
        estado=_S,
        personas_delante=_I,
        emitido=_S,
        llamado=_N,
        ventanilla={"type": ["object", "null"], "properties": {"numero": _I, "nombre": _S}},
    ),
    "TurnoVentanilla": objeto(
        folio=_S,
        tramite=_S,
        tramite_nombre=_S,
        clase=_S,
        origen=_S,
        estado=_S,
        tramo=_I,
        llamadas=_I,
        en_cola=_N,
        llamado=_N,
        inicio=_N,
        fin=_N,
        atencion_maxima_min={"type": ["integer", "null"]},
    ),
    "AccionVentanilla": objeto(
        motivo={
            "type": "string",
            "description": "pausar; llamar fuera de orden (obligatorio con folio)",
        },
        folio={"type": "string", "description": "llamar: un turno específico fuera de orden"},
        tramite={"type": "string", "description": "transferir: clave del trámite destino"},
        nombre={"type": "string", "description": "registrar: nombre de la persona atendida"},
        contacto={"type": "string", "description": "registrar: teléfono o correo"},
    ),
    "Cancelacion": objeto(motivo=_S),
    "Cola": objeto(
        centro=_S,
        total_esperando=_I,
        tramites={"type": "array", "items": objeto(clave=_S, nombre=_S, esperando=_I)},
        ventanillas={
            "type": "array",
            "items": objeto(
                numero=_I, nombre=_S, estado=_S, tramites={"type": "array", "items": _S}
            ),
        },
    ),
    "Cierre": objeto(dia=_S, expirados=_I, ventanillas_cerradas=_I),
    "Auditoria": objeto(
        eventos=_I,
        integra={"type": "boolean"},
        falla={"type": ["object", "null"], "properties": {"seq": _I, "motivo": _S}},
    ),
}

PARAMETROS = {
    "centro": {
        "name": "centro",
        "in": "path",
        "required": True,
        "schema": _S,
        "description": "slug del centro",
    },
    "numero": {
        "name": "numero",
        "in": "path",
        "required": True,
        "schema": _I,
        "description": "número de ventanilla",
    },
    "accion": {
        "name": "accion",
        "in": "path",
        "required": True,
        "schema": {
            "type": "string",
            "enum": list(ACCIONES_VENTANILLA),
        },
    },
    "token": {
        "name": "token",
        "in": "path",
        "required": True,
        "schema": _S,
        "description": "token público del turno",
    },
}

RUTAS: dict[str, dict[str, Any]] = {
    "/salud": {
        "get": operacion(
            "Salud: 200 si la base de datos responde",
            {"200": respuesta_json("Salud"), "503": _ERROR},
            seguridad=False,
        )
    },
    "/api/v1/openapi.json": {
        "get": operacion("Este documento", {"200": {"description": "OpenAPI 3.1"}}, seguridad=False)
    },
    "/api/v1/centros/{centro}": {
        "get": operacion(
            "Datos públicos del centro",
            {"200": respuesta_json("Centro")},
            seguridad=False,
            parametros=("centro",),
        )
    },
    "/api/v1/centros/{centro}/tramites": {
        "get": operacion(
            "Catálogo público de trámites",
            {"200": respuesta_json("Tramites")},
            seguridad=False,
            parametros=("centro",),
        )
    },
    "/api/v1/centros/{centro}/turnos": {
        "post": operacion(
            "Emitir un turno (kiosco o personal)",
            {"201": respuesta_json("TurnoEmitido", "Turno emitido"), "409": _ERROR},
            cuerpo="NuevoTurno",
            parametros=("centro",),
        )
    },
    "/api/v1/centros/{centro}/cola": {
        "get": operacion(
            "Personas en espera por trámite y estado de ventanillas",
            {"200": respuesta_json("Cola")},
            parametros=("centro",),
        )
    },
    "/api/v1/centros/{centro}/ventanillas/{numero}/{accion}": {
        "post": operacion(
            "Acción de ventanilla sobre su turno actual; `llamar` responde 204 si nadie espera",
            {
                "200": respuesta_json("TurnoVentanilla"),
                "204": {"description": "Nadie espera"},
                "409": _ERROR,
            },
            cuerpo="AccionVentanilla",
            parametros=("centro", "numero", "accion"),
        )
    },
    "/api/v1/centros/{centro}/cierre": {
        "post": operacion(
            "Cierre del día: expira pendientes y cierra ventanillas",
            {"200": respuesta_json("Cierre")},
            parametros=("centro",),
        )
    },
    "/api/v1/centros/{centro}/auditoria": {
        "get": operacion(
            "Verifica la bitácora encadenada",
            {"200": respuesta_json("Auditoria")},
            parametros=("centro",),
        )
    },
    "/api/v1/turnos/{token}": {
        "get": operacion(
            "Estado público de un turno (sin datos personales)",
            {"200": respuesta_json("TurnoPublico")},
            seguridad=False,
            parametros=("token",),
        )
    },
    "/api/v1/turnos/{token}/cancelar": {
        "post": operacion(
            "«Ya no voy a esperar»: cancela el turno",
            {"200": respuesta_json("TurnoPublico"), "409": _ERROR},
            cuerpo="Cancelacion",
            seguridad=False,
            parametros=("token",),
        )
    },
}


def documento() -> dict[str, Any]:
    """El documento del núcleo más el fragmento de cada capacidad (`Capacidad.openapi`)."""
    from turnos.capacidades import FragmentoOpenAPI, descubrir

    extra = [cap.openapi() for cap in descubrir() if cap.openapi is not None]
    junto = FragmentoOpenAPI(
        rutas={k: v for f in extra for k, v in f.rutas.items()},
        esquemas={k: v for f in extra for k, v in f.esquemas.items()},
        parametros={k: v for f in extra for k, v in f.parametros.items()},
        seguridad={k: v for f in extra for k, v in f.seguridad.items()},
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Turnos API",
            "version": __version__,
            "description": 'API de turnos. Errores: JSON {"error", "mensaje"} con estado 4xx.',
        },
        "servers": [{"url": "/"}],
        "paths": {**RUTAS, **junto.rutas},
        "components": {
            "schemas": {**ESQUEMAS, **junto.esquemas},
            "parameters": {**PARAMETROS, **junto.parametros},
            "responses": {
                "Error": {
                    "description": "Error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
            "securitySchemes": {
                **junto.seguridad,
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Token de dispositivo o token personal",
                },
                "sesion": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "turnos_sesion",
                    "description": "Sesión del personal; métodos POST exigen la cabecera X-CSRF-Token",
                },
            },
        },
    }

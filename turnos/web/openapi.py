"""Documento OpenAPI 3.1 de /api/v1. Una prueba compara sus rutas con las de la app."""

from __future__ import annotations

from typing import Any

from turnos import __version__
from turnos.web.openapi_ventanilla import AUSENCIA, CAMPOS_ACCION_VENTANILLA

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
    "reincorporar",
    "registrar",
    "liberar",
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


def salida(**props: Any) -> dict[str, Any]:
    """Un objeto de respuesta: todas sus propiedades vienen siempre (el fuzzing lo verifica)."""
    return {**objeto(**props), "required": list(props)}


_S = {"type": "string"}
_I = {"type": "integer"}
_N = {"type": ["string", "null"]}
# Rango P10–P90 de la espera en segundos; null si ninguna ventanilla abierta atiende el trámite.
_ESPERA = {
    "type": ["object", "null"],
    "properties": {"min_s": _I, "max_s": _I},
    "required": ["min_s", "max_s"],
}

ESQUEMAS: dict[str, Any] = {
    "Error": {**objeto(error=_S, mensaje=_S), "required": ["error", "mensaje"]},
    "Salud": salida(estado=_S),
    "Centro": salida(
        slug=_S,
        nombre=_S,
        zona=_S,
        horario={"type": "object"},
        horario_texto=_S,
        inhabiles={"type": "array", "items": _S},
        tolerancia_min=_I,
        mensajes={"type": "array", "items": _S},
    ),
    "Tramite": salida(
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
    "TurnoEmitido": salida(
        folio=_S,
        token=_S,
        tramite=_S,
        tramite_nombre=_S,
        clase=_S,
        origen=_S,
        estado=_S,
        personas_delante=_I,
        espera_estimada=_ESPERA,
        emitido=_S,
        centro=_S,
        centro_nombre=_S,
    ),
    "TurnoPublico": salida(
        id=_I,
        folio=_S,
        centro=_S,
        centro_nombre=_S,
        tramite=_S,
        tramite_nombre=_S,
        clase=_S,
        estado=_S,
        personas_delante=_I,
        espera_estimada=_ESPERA,
        emitido=_S,
        llamado=_N,
        ventanilla={"type": ["object", "null"], "properties": {"numero": _I, "nombre": _S}},
        ausencia=AUSENCIA,
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
    "AccionVentanilla": objeto(**CAMPOS_ACCION_VENTANILLA),
    "CierreDia": objeto(
        forzar={
            "type": "boolean",
            "description": "cerrar aunque el centro siga abierto según su horario (si no, 409)",
        }
    ),
    "Cancelacion": objeto(motivo=_S),
    "Cola": salida(
        centro=_S,
        total_esperando=_I,
        tramites={"type": "array", "items": salida(clave=_S, nombre=_S, esperando=_I)},
        ventanillas={
            "type": "array",
            "items": salida(
                numero=_I, nombre=_S, estado=_S, tramites={"type": "array", "items": _S}
            ),
        },
    ),
    "Cierre": {
        **objeto(dia=_S, expirados=_I, finalizados=_I, ventanillas_cerradas=_I, aviso=_S),
        "required": ["dia", "expirados", "finalizados", "ventanillas_cerradas"],
    },
    "Auditoria": salida(
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
    "idempotencia": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "pattern": "^[\\x21-\\x7e]+$",
        },
        "description": "Clave única por intento de creación (p. ej. un UUID). Un reintento con"
        " la misma clave devuelve la misma respuesta sin crear otro turno; la misma clave con"
        " otro cuerpo responde 409 `idempotencia_reusada`.",
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
            parametros=("centro", "idempotencia"),
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
            "Acción de ventanilla. `abrir`, `pausar`, `cerrar`: solo quien la tiene (o nadie);"
            " `abrir` la propia ya abierta es «continuar» (sin otro evento). `liberar` (jefe o"
            " admin, `motivo` obligatorio, queda en la bitácora): cierra la que dejó abierta otra"
            " persona. `llamar` responde 204 si nadie espera; las demás actúan sobre su turno.",
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
            "Cierre del día: expira los que esperan o fueron llamados, finaliza los que están en"
            " atención y cierra ventanillas; 409 `centro_abierto` si según su horario el centro"
            " sigue abierto, salvo `forzar`",
            {"200": respuesta_json("Cierre"), "409": _ERROR},
            cuerpo="CierreDia",
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

"""Fragmento OpenAPI de las rutas /api/v1 de métricas (consejo de dotación)."""

from __future__ import annotations

from typing import Any

from turnos.kit import objeto as _objeto
from turnos.kit import operacion
from turnos.kit import respuesta_json as _json
from turnos.kit import salida as _salida

_S = {"type": "string"}
_I = {"type": "integer"}
_F = {"type": "number"}

ESQUEMAS: dict[str, Any] = {
    "Dotacion": _salida(
        centro=_S,
        fecha=_S,
        objetivo=_F,
        semanas={"type": "array", "items": _S},
        plan_origen=_S,
        horas={
            "type": "array",
            "items": _objeto(
                hora=_S,
                ventanillas=_I,
                plan=_objeto(ventanillas=_I, nivel_servicio=_F),
                tramites={
                    "type": "array",
                    "items": _objeto(
                        tramite=_S,
                        tramite_nombre=_S,
                        llegadas=_F,
                        atencion_media_s=_I,
                        meta_s=_I,
                        ventanillas=_I,
                        nivel_servicio=_F,
                        ocupacion=_F,
                        citas=_I,
                        ventanillas_plan=_I,
                        nivel_servicio_plan=_F,
                    ),
                },
            ),
        },
    )
}

PARAMETROS: dict[str, Any] = {
    "fecha_dotacion": {
        "name": "fecha",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "format": "date"},
        "description": "AAAA-MM-DD; por omisión, mañana (día local del centro)",
    }
}

RUTAS: dict[str, dict[str, Any]] = {
    "/api/v1/centros/{centro}/dotacion": {
        "get": operacion(
            "Consejo de dotación (Erlang C): por hora y trámite, llegadas esperadas (historia más"
            " citas reservadas), atención media, ventanillas recomendadas para la meta del centro"
            " y el nivel de servicio esperado del plan (catálogo) (jefe, admin, auditor)",
            {"200": _json("Dotacion")},
            parametros=("centro", "fecha_dotacion"),
        )
    }
}

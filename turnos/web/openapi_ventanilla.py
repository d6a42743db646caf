"""Piezas del documento OpenAPI de la ventanilla (openapi.py las usa): el cuerpo de las acciones
y la ausencia en la vista pública del turno (issue 15)."""

from __future__ import annotations

from typing import Any

_I = {"type": "integer"}
_S = {"type": "string"}
_N = {"type": ["string", "null"]}

CAMPOS_ACCION_VENTANILLA: dict[str, Any] = dict(
    motivo={
        "type": "string",
        "description": "pausar; liberar (obligatorio); llamar fuera de orden (obligatorio con"
        " folio)",
    },
    folio={"type": "string", "description": "llamar: un turno específico fuera de orden"},
    tramite={
        "type": "string",
        "description": "transferir: clave del trámite destino (opcional si se indica"
        " ventanilla o usuario: conserva el trámite)",
    },
    ventanilla={
        "type": ["integer", "string"],
        "description": "transferir: número de la ventanilla destino (solo ella lo llama)",
    },
    usuario={
        "type": "string",
        "description": "transferir: usuario del personal destino (solo la ventanilla que"
        " esa persona atiende lo llama)",
    },
    posicion={
        "type": "string",
        "enum": ["ultimo", "primero"],
        "description": "transferir: lugar en la fila destino (por omisión «ultimo»);"
        " «primero», a una ventanilla o a una persona exigen motivo",
    },
    resultado={
        "type": "string",
        "description": "finalizar: clave de la marca de resultado (obligatoria si el"
        " trámite tiene marcas)",
    },
    nombre={"type": "string", "description": "registrar: nombre de la persona atendida"},
    contacto={"type": "string", "description": "registrar: teléfono o correo"},
)

AUSENCIA: dict[str, Any] = {
    "type": ["object", "null"],
    "description": "null si el turno no está ausente. Mientras no sea `definitiva` (la"
    " ventanilla aún puede reincorporarlo, hasta `hasta`), el ciudadano puede acercarse"
    " a `ventanilla`; después, tomar un turno nuevo.",
    "properties": {
        "definitiva": {"type": "boolean"},
        "hasta": _N,
        "ventanilla": {
            "type": ["object", "null"],
            "properties": {"numero": _I, "nombre": _S},
        },
    },
}

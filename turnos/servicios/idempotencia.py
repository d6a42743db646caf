"""Creaciones idempotentes con la cabecera `Idempotency-Key` (issue 8, punto 13).

Un cliente que no recibió la respuesta (red caída, worker muerto tras confirmar) reintenta con
la misma clave y recibe la misma respuesta, sin crear otro turno (cita, manifestación…).

La clave se reclama en la MISMA transacción que crea el recurso, con
`INSERT … ON CONFLICT DO NOTHING` sobre la restricción única (centro, actor, clave): si otra
transacción la reclamó y sigue abierta, PostgreSQL espera a que termine, y SQLite ya serializa
las escrituras (BEGIN IMMEDIATE). Así, quien ve la fila ve también la respuesta completa. Si la
creación falla, el rollback libera la clave.

Uso en un servicio, dentro de su transacción:

    previa = idempotencia.reclamar(tx, centro_id, peticion, ms)
    if previa is not None:
        return previa
    ... crear ...
    idempotencia.guardar(tx, centro_id, peticion, resultado)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from turnos.db.almacen import Tx
from turnos.errores import Conflicto, EntradaInvalida
from turnos.permisos import Actor

CABECERA = "Idempotency-Key"
_CLAVE = re.compile(r"^[\x21-\x7e]{1,200}$")  # ASCII visible: UUID, hex, base64url…

_RECLAMAR = text(
    "INSERT INTO idempotencia (centro_id, actor, clave, huella, respuesta, creado_ms)"
    " VALUES (:c, :a, :k, :h, '', :ms) ON CONFLICT (centro_id, actor, clave) DO NOTHING"
    " RETURNING id"
)
_PREVIA = text(
    "SELECT huella, respuesta FROM idempotencia WHERE centro_id = :c AND actor = :a AND clave = :k"
)
_GUARDAR = text(
    "UPDATE idempotencia SET respuesta = :r WHERE centro_id = :c AND actor = :a AND clave = :k"
)


@dataclass
class Peticion:
    clave: str
    actor: str  # "usuario:ID" | "dispositivo:ID": la clave de uno no choca con la de otro
    huella: str  # SHA-256 de la operación y su cuerpo
    repetida: bool = False  # la respuesta salió de la tabla: no repetir efectos (imprimir…)


def peticion(
    clave: str | None, actor: Actor | None, operacion: str, cuerpo: Any
) -> Peticion | None:
    """La petición idempotente, o None si no llegó clave (o no hay actor al que atarla)."""
    if clave is None:
        return None
    clave = clave.strip()
    if not _CLAVE.match(clave):
        raise EntradaInvalida(
            f"La cabecera {CABECERA} debe tener de 1 a 200 caracteres visibles (p. ej. un UUID).",
            "idempotencia_invalida",
        )
    if actor is None:
        return None  # el servicio rechaza la petición por falta de credencial
    canonico = json.dumps([operacion, cuerpo], sort_keys=True, ensure_ascii=False, default=str)
    huella = hashlib.sha256(canonico.encode()).hexdigest()
    return Peticion(clave, f"{actor.tipo}:{actor.id}", huella)


def _params(centro_id: int, pet: Peticion) -> dict[str, Any]:
    return {"c": centro_id, "a": pet.actor, "k": pet.clave}


def reclamar(tx: Tx, centro_id: int, pet: Peticion | None, ms: int) -> dict[str, Any] | None:
    """None: la clave es nueva y queda reclamada. Si ya existía, su respuesta guardada."""
    if pet is None:
        return None
    if tx.ejecutar(_RECLAMAR, {**_params(centro_id, pet), "h": pet.huella, "ms": ms}).first():
        return None
    previa = tx.ejecutar(_PREVIA, _params(centro_id, pet)).one()
    if previa.huella != pet.huella:
        raise Conflicto(
            f"Esa {CABECERA} ya se usó con otra petición; use una clave nueva por cada intento"
            " distinto.",
            "idempotencia_reusada",
        )
    pet.repetida = True
    return dict(json.loads(previa.respuesta))


def guardar(tx: Tx, centro_id: int, pet: Peticion | None, respuesta: dict[str, Any]) -> None:
    if pet is not None:
        tx.ejecutar(_GUARDAR, {**_params(centro_id, pet), "r": json.dumps(respuesta)})

"""Bitácora encadenada: cada evento guarda el hash del anterior de su centro.

Editar, borrar o reordenar un evento rompe la cadena y `verificar` lo señala.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonico(campos: Mapping[str, Any]) -> bytes:
    return json.dumps(campos, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def calcular_hash(hash_previo: str, campos: Mapping[str, Any]) -> str:
    return hashlib.sha256(hash_previo.encode() + canonico(campos)).hexdigest()


@dataclass(frozen=True)
class EventoSellado:
    seq: int
    campos: Mapping[str, Any]  # todo lo que se sella, incluido seq
    hash_previo: str
    hash: str


@dataclass(frozen=True)
class Falla:
    seq: int
    motivo: str


def verificar(
    eventos: Iterable[EventoSellado], punta: tuple[int, str] | None = None
) -> Falla | None:
    """La primera falla de la cadena (en orden de seq), o None si está íntegra.

    `punta` es (seq, hash) del último evento según el registro de la cadena: detecta que se
    borró el final de la bitácora.
    """
    previo = GENESIS
    esperado = 1
    for ev in eventos:
        if ev.seq != esperado:
            return Falla(
                esperado, f"falta el evento {esperado} o está fuera de orden (hay {ev.seq})"
            )
        if ev.hash_previo != previo:
            return Falla(ev.seq, "el hash previo no coincide con el evento anterior")
        if calcular_hash(previo, ev.campos) != ev.hash:
            return Falla(ev.seq, "el contenido del evento fue modificado")
        previo = ev.hash
        esperado += 1
    if punta is not None and (punta[0] != esperado - 1 or (punta[0] > 0 and punta[1] != previo)):
        return Falla(
            esperado, f"la bitácora termina en {esperado - 1} pero la cadena registra {punta[0]}"
        )
    return None

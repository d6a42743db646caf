"""Salvaguardas de «no se presentó» (puro; el tiempo entra como argumento).

- Marcar ausente solo después de al menos una rellamada (`llamadas` ≥ 2) o `ausente_tras_s`
  segundos después del llamado: un clic apresurado no le quita el turno a nadie.
- La ausencia se puede deshacer («reincorporar») durante `reincorporar_s` segundos después de
  marcarla; pasada esa ventana es definitiva (el teléfono ya dice «tome un turno nuevo»).

Ambos valores son por centro (columnas `centro.ausente_tras_s` y `centro.reincorporar_s`).
"""

from __future__ import annotations

from dataclasses import dataclass

MAXIMO_S = 24 * 3600


@dataclass(frozen=True)
class Salvaguardas:
    ausente_tras_s: int = 120
    reincorporar_s: int = 300


def falta_para_ausente_s(llamadas: int, llamado_ms: int | None, ahora_ms: int,
                         s: Salvaguardas) -> int:  # fmt: skip
    """Segundos que faltan para poder marcar ausente (0: ya se puede)."""
    if llamadas >= 2 or llamado_ms is None:
        return 0
    restante_ms = llamado_ms + s.ausente_tras_s * 1000 - ahora_ms
    return max(0, -(-restante_ms // 1000))


def reincorporable_hasta_ms(fin_ms: int, s: Salvaguardas) -> int:
    """Último instante (ms) en que una ausencia marcada en `fin_ms` se puede deshacer."""
    return fin_ms + s.reincorporar_s * 1000


def definitiva(fin_ms: int | None, ahora_ms: int, s: Salvaguardas) -> bool:
    """La ausencia ya no se puede deshacer (sin hora de fin: definitiva)."""
    return fin_ms is None or ahora_ms > reincorporable_hasta_ms(fin_ms, s)


def motivo_ausente_bloqueado(falta_s: int, s: Salvaguardas) -> str:
    """Por qué todavía no se puede marcar ausente (texto para la ventanilla y el error 409)."""
    return (
        f"Antes de marcar «No se presentó», vuelva a llamar el turno o espere {falta_s} s más"
        f" (el centro pide una rellamada o {s.ausente_tras_s} s desde el llamado)."
    )

"""Política de enrutamiento: qué turno llama una ventanilla ("¿quién sigue?").

Regla (configurable por centro con `Politica`):

1. Primero los turnos *vencidos*: los que ya esperaron más que la espera máxima de su trámite.
2. Después, la mayor *espera efectiva* = espera real + ventaja de su clase:
   - general: 0;
   - preferente (personas adultas mayores, con discapacidad, embarazadas): `ventaja_preferente_s`;
   - cita a tiempo (registrada a más tardar `tolerancia_cita_s` después de su horario):
     `ventaja_cita_s`, y su espera se cuenta desde su horario si llegó antes.
3. Empates: el orden de trámites de la ventanilla, luego el más antiguo, luego el id.

Como la ventaja es finita y la espera crece igual para todos, ningún turno se queda sin atender
mientras haya ventanillas que sirvan su trámite (sin inanición). Dentro de un mismo trámite y
clase el orden es FIFO, porque la ventaja y el umbral de vencimiento son iguales para todos.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from turnos.dominio.estados import Clase


@dataclass(frozen=True)
class Politica:
    ventaja_preferente_s: int = 15 * 60
    ventaja_cita_s: int = 30 * 60
    tolerancia_cita_s: int = 10 * 60
    prioridad_vencidos: bool = True


@dataclass(frozen=True)
class Candidato:
    id: int
    tramite: str
    clase: Clase
    en_cola_ms: int
    espera_maxima_s: int | None = None
    cita_ms: int | None = None


def cita_a_tiempo(c: Candidato, politica: Politica) -> bool:
    return (
        c.clase is Clase.CITA
        and c.cita_ms is not None
        and c.en_cola_ms <= c.cita_ms + politica.tolerancia_cita_s * 1000
    )


def espera_efectiva_ms(c: Candidato, ahora_ms: int, politica: Politica) -> int:
    if cita_a_tiempo(c, politica):
        assert c.cita_ms is not None
        return ahora_ms - max(c.en_cola_ms, c.cita_ms) + politica.ventaja_cita_s * 1000
    if c.clase is Clase.PREFERENTE:
        return ahora_ms - c.en_cola_ms + politica.ventaja_preferente_s * 1000
    return ahora_ms - c.en_cola_ms


def vencido(c: Candidato, ahora_ms: int) -> bool:
    return c.espera_maxima_s is not None and ahora_ms - c.en_cola_ms > c.espera_maxima_s * 1000


def clave_orden(
    c: Candidato, ahora_ms: int, politica: Politica, orden_tramites: Sequence[str] = ()
) -> tuple[int, int, int, int, int]:
    """Clave de ordenamiento ascendente: el menor es quien sigue."""
    rango = orden_tramites.index(c.tramite) if c.tramite in orden_tramites else len(orden_tramites)
    es_vencido = politica.prioridad_vencidos and vencido(c, ahora_ms)
    return (
        0 if es_vencido else 1,
        -espera_efectiva_ms(c, ahora_ms, politica),
        rango,
        c.en_cola_ms,
        c.id,
    )


def ordenar(
    candidatos: Iterable[Candidato],
    ahora_ms: int,
    politica: Politica = Politica(),
    orden_tramites: Sequence[str] = (),
) -> list[Candidato]:
    """Candidatos del primero al último según la política."""
    return sorted(candidatos, key=lambda c: clave_orden(c, ahora_ms, politica, orden_tramites))


def siguiente(
    candidatos: Iterable[Candidato],
    ahora_ms: int,
    politica: Politica = Politica(),
    orden_tramites: Sequence[str] = (),
) -> Candidato | None:
    orden = ordenar(candidatos, ahora_ms, politica, orden_tramites)
    return orden[0] if orden else None

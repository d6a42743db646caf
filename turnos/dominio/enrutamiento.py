"""Política de enrutamiento: qué turno llama una ventanilla ("¿quién sigue?").

Regla (configurable por centro con `Politica`):

1. Primero los turnos *vencidos*: los que ya esperaron más que la espera máxima de su trámite.
2. Después, la mayor *espera efectiva* = espera real + ventaja de su clase:
   - general: 0;
   - preferente (personas adultas mayores, con discapacidad, embarazadas): `ventaja_preferente_s`;
   - cita a tiempo (registrada a más tardar `tolerancia_cita_s` después de su horario):
     `ventaja_cita_s`, y su espera se cuenta desde su horario si llegó antes.
3. Empates: el orden de trámites de la ventanilla, luego el más antiguo, luego el id.

Turnos dirigidos (transferidos o reincorporados a una ventanilla o a una persona): su `tramite`
es la *fila* `@v{id}` o `@u{id}` (`fila_ventanilla`, `fila_persona`), que solo tiene esa
ventanilla (o la ventanilla que esa persona atiende): `sirve` filtra a quien no puede llamarlo,
así nadie más lo llama. En el desempate esas filas van después de los trámites de la ventanilla
(`filas_de`). Un turno `al_frente` («primero en la fila» al transferir, o reincorporado) va
antes que todos los que la ventanilla puede llamar, incluso los vencidos; entre varios al frente,
el que llegó primero a esa posición (FIFO). «Último en la fila» es un turno normal que entra a
la cola al transferir.

Como la ventaja es finita y la espera crece igual para todos, ningún turno se queda sin atender
mientras haya ventanillas que sirvan su trámite (sin inanición). Dentro de un mismo trámite y
clase el orden es FIFO, porque la ventaja y el umbral de vencimiento son iguales para todos.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
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
    al_frente: bool = False


def fila_ventanilla(ventanilla_id: int) -> str:
    """La fila de los turnos dirigidos a una ventanilla."""
    return f"@v{ventanilla_id}"


def fila_persona(usuario_id: int) -> str:
    """La fila de los turnos dirigidos a una persona del personal."""
    return f"@u{usuario_id}"


def filas_de(
    tramites: Sequence[str], ventanilla_id: int, usuario_id: int | None
) -> tuple[str, ...]:
    """Las filas que una ventanilla llama, en su orden: sus trámites, lo dirigido a ella y lo
    dirigido a la persona que la atiende."""
    propias = [fila_ventanilla(ventanilla_id)]
    if usuario_id is not None:
        propias.append(fila_persona(usuario_id))
    return (*tramites, *propias)


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
) -> tuple[int, int, int, int, int, int]:
    """Clave de ordenamiento ascendente: el menor es quien sigue."""
    if c.al_frente:
        return (0, 0, 0, 0, c.en_cola_ms, c.id)
    rango = orden_tramites.index(c.tramite) if c.tramite in orden_tramites else len(orden_tramites)
    es_vencido = politica.prioridad_vencidos and vencido(c, ahora_ms)
    return (
        1,
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
    sirve: Collection[str] | None = None,
) -> list[Candidato]:
    """Candidatos del primero al último según la política; con `sirve` (las filas de la
    ventanilla, `filas_de`), solo los que esa ventanilla puede llamar."""
    if sirve is not None:
        candidatos = [c for c in candidatos if c.tramite in sirve]
    return sorted(candidatos, key=lambda c: clave_orden(c, ahora_ms, politica, orden_tramites))


def siguiente(
    candidatos: Iterable[Candidato],
    ahora_ms: int,
    politica: Politica = Politica(),
    orden_tramites: Sequence[str] = (),
    sirve: Collection[str] | None = None,
) -> Candidato | None:
    orden = ordenar(candidatos, ahora_ms, politica, orden_tramites, sirve)
    return orden[0] if orden else None

"""Quién va antes de un turno sin armar un `Candidato` por cada turno en espera (issue 13). Puro.

`espera.orden_predicho` ordena a todos los candidatos con dos montículos. En el caso común (sin
citas, sin turnos dirigidos ni «al frente») basta menos: dentro de un grupo (fila, clase) la
clave de la política (espera efectiva, orden de trámites, llegada, id) y el instante en que se
vence crecen con la llegada, así que cada grupo sale en orden de llegada (FIFO). El orden de
`orden_predicho` es entonces una mezcla de unos pocos grupos: en cada llamado sale, de entre los
primeros de cada grupo, el vencido de menor clave si hay alguno, si no el de menor clave. Con
tuplas de enteros y k grupos (k = 2 × trámites) cuesta O(n·k) comparaciones, sin objetos.

Da la misma secuencia que `orden_predicho` (prueba de propiedad en
tests/unit/test_delante.py), así que quien suma pesos en ese orden obtiene los mismos números.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from turnos.dominio.enrutamiento import Politica

# Clases cuya clave no depende de nada más que su llegada (la cita depende de su horario).
CLASES_FIFO = ("general", "preferente")


def filas_delante(
    turnos: Iterable[tuple[int, str, str, int]],
    objetivo_id: int,
    espera_maxima_s: Mapping[str, int | None],
    ahora_ms: int,
    politica: Politica,
    orden_tramites: Sequence[str] = (),
    paso_ms: int = 0,
) -> list[str] | None:
    """Las filas (trámites) de los que `orden_predicho` pone antes de `objetivo_id`, en ese
    orden. `turnos`: (id, fila, clase, en_cola_ms) de los candidatos, el objetivo incluido,
    todos de clase general o preferente y ninguno al frente. None si el objetivo no está."""
    ventaja = {"general": 0, "preferente": politica.ventaja_preferente_s * 1000}
    grupos: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for id_, fila, clase, en_cola in turnos:
        if clase not in ventaja:
            raise ValueError(f"clase {clase!r}: use espera.orden_predicho")
        grupos.setdefault((fila, clase), []).append((en_cola, id_))
    # Por grupo: sus llegadas (en_cola, id) en orden y lo que se suma a la llegada para saber
    # desde cuándo está vencido (sin espera máxima: nunca). La cabeza de cada grupo es
    # [clave de la política, instante desde el que está vencido, grupo, índice].
    colas: list[tuple[list[tuple[int, int]], int, int, str, float]] = []
    cabezas: list[list] = []  # type: ignore[type-arg]
    for (fila, clase), xs in grupos.items():
        xs.sort()
        maxima = espera_maxima_s.get(fila) if politica.prioridad_vencidos else None
        rango = orden_tramites.index(fila) if fila in orden_tramites else len(orden_tramites)
        vence = maxima * 1000 + 1 if maxima else math.inf
        colas.append((xs, ventaja[clase], rango, fila, vence))
        en_cola, id_ = xs[0]
        cabezas.append([(en_cola - ventaja[clase], rango, en_cola, id_), en_cola + vence,
                        len(colas) - 1, 0])  # fmt: skip
    delante: list[str] = []
    reloj = ahora_ms
    while cabezas:
        # Los vencidos primero; entre ellos, o entre todos, la menor clave (los ids no se
        # repiten: `min` nunca compara más allá de la clave).
        vencidos = [c for c in cabezas if c[1] <= reloj]
        cabeza = min(vencidos) if vencidos else min(cabezas)
        clave, _, g, i = cabeza
        if clave[3] == objetivo_id:
            return delante
        xs, v, rango, fila, vence = colas[g]
        delante.append(fila)
        reloj += paso_ms
        i += 1
        if i == len(xs):
            cabezas.remove(cabeza)
        else:
            en_cola, id_ = xs[i]
            cabeza[:] = [(en_cola - v, rango, en_cola, id_), en_cola + vence, g, i]
    return None

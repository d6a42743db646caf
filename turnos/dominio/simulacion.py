"""Simulación de eventos discretos de un centro con la política real de `llamar`. Pura.

Llegadas Poisson por (trámite, clase) y atenciones exponenciales por trámite (procesos
conocidos); cada ventanilla libre llama con `enrutamiento.siguiente` en su orden de trámites.
Produce la misma forma que la bitácora (`retro.Registro`, `retro.CambioVentanilla`): sirve para
probar el back-test con un mes sintético y para validar la dotación.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from turnos.dominio.enrutamiento import Candidato, Politica, siguiente
from turnos.dominio.estados import Clase
from turnos.dominio.retro import CambioVentanilla, Registro

DIA_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Escenario:
    ventanillas: Mapping[int, Sequence[str]]
    llegadas_por_hora: Mapping[tuple[str, Clase], float]
    atencion_media_s: Mapping[str, float]
    espera_maxima_s: Mapping[str, int | None]
    horas: float = 6.0  # emisión de 0 a `horas`; se atiende hasta vaciar la fila
    politica: Politica = Politica()  # noqa: B008 - inmutable


def simular_dia(
    e: Escenario, inicio_ms: int, rng: random.Random, primer_id: int = 1
) -> tuple[list[Registro], list[CambioVentanilla]]:
    llegadas: list[tuple[int, str, Clase]] = []
    for (tramite, clase), por_hora in e.llegadas_por_hora.items():
        t = 0.0
        while por_hora > 0:
            t += rng.expovariate(por_hora / 3600)
            if t >= e.horas * 3600:
                break
            llegadas.append((inicio_ms + int(t * 1000), tramite, clase))
    llegadas.sort()
    # sucesos: (ms, 0 = fin de atención | 1 = llegada, índice)
    sucesos: list[tuple[int, int, int]] = [(ms, 1, i) for i, (ms, _, _) in enumerate(llegadas)]
    heapq.heapify(sucesos)
    esperando: dict[int, Candidato] = {}
    libres = sorted(e.ventanillas)
    llamado: dict[int, tuple[int, int, int]] = {}  # id -> (llamado, fin, ventanilla)
    ocupada_por: dict[int, int] = {}
    ultimo = inicio_ms
    while sucesos:
        ms, tipo, i = heapq.heappop(sucesos)
        ultimo = max(ultimo, ms)
        if tipo == 1:
            _, tramite, clase = llegadas[i]
            esperando[primer_id + i] = Candidato(
                primer_id + i, tramite, clase, ms, e.espera_maxima_s.get(tramite)
            )
        else:
            libres.append(i)
            libres.sort()
            ocupada_por.pop(i, None)
        for v in list(libres):
            orden = e.ventanillas[v]
            sig = siguiente(
                (c for c in esperando.values() if c.tramite in orden), ms, e.politica, orden
            )
            if sig is None:
                continue
            del esperando[sig.id]
            fin = ms + int(rng.expovariate(1 / e.atencion_media_s[sig.tramite]) * 1000) + 1
            llamado[sig.id] = (ms, fin, v)
            libres.remove(v)
            ocupada_por[v] = sig.id
            heapq.heappush(sucesos, (fin, 0, v))
    registros = []
    for i, (ms, tramite, clase) in enumerate(llegadas):
        ll, fin, v = llamado[primer_id + i]
        registros.append(
            Registro(
                primer_id + i,
                tramite,
                clase,
                ms,
                ll,
                ll,
                fin,
                v,
                None,
                e.espera_maxima_s.get(tramite),
            )  # fmt: skip
        )
    cambios = [CambioVentanilla(inicio_ms - 1, v, True) for v in e.ventanillas]
    cambios += [CambioVentanilla(ultimo + 1, v, False) for v in e.ventanillas]
    return registros, cambios


def simular(
    e: Escenario, dias: int, inicio_ms: int, semilla: int = 0
) -> tuple[list[Registro], list[CambioVentanilla]]:
    rng = random.Random(semilla)
    registros: list[Registro] = []
    cambios: list[CambioVentanilla] = []
    for d in range(dias):
        r, c = simular_dia(e, inicio_ms + d * DIA_MS, rng, len(registros) + 1)
        registros += r
        cambios += c
    return registros, cambios


# El mes sintético de referencia (prueba del back-test, bench y docs): dos trámites, tres
# ventanillas (la 3 solo atiende B), 1 de cada 4.5 preferente, ocupación ≈ 85 %.
MES_SINTETICO = Escenario(
    ventanillas={1: ("A", "B"), 2: ("A", "B"), 3: ("B",)},
    llegadas_por_hora={
        ("A", Clase.GENERAL): 7,
        ("A", Clase.PREFERENTE): 2,
        ("B", Clase.GENERAL): 7,
        ("B", Clase.PREFERENTE): 2,
    },
    atencion_media_s={"A": 600, "B": 420},
    espera_maxima_s={"A": 1800, "B": None},
)

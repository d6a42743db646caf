"""Sentencias SQL y tiempo por comando del núcleo, en proceso (sin HTTP): issue 14.

Mide `emision.emitir`, `atencion.llamar` y `atencion.actuar(FINALIZAR)` en un ciclo
emitir → llamar → finalizar (la cola se queda del mismo largo), con un centro sembrado por
`apoyo.sembrado`. Cuenta las sentencias que llegan al cursor del driver (evento
`before_cursor_execute`), separando las de la transacción de escritura de las lecturas aparte
(p. ej. la estimación que `emitir` calcula tras el COMMIT). Imprime medianas y p90 en µs de reloj
y la mediana del tiempo de CPU de este hilo (en PostgreSQL no cuenta el del servidor): con la
máquina cargada el reloj mide sobre todo la espera por CPU, y el CPU propio es más estable.

Uso: python bench/bench_sentencias.py [--backend sqlite|postgres|ambos] [--ciclos 400]
     [--sqlite-sync FULL|NORMAL] [--detalle]   (--detalle lista las sentencias de cada comando)
Con NORMAL el fsync de cada COMMIT no tapa el costo de CPU que aquí se quiere ver.
Para el «antes», córralo con el código de otra rama: `python bench/bench_sentencias.py --raiz
/ruta/al/worktree` (importa `turnos` de esa raíz). Imprime cifras; no afirma nada.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any


def _raiz() -> Path:
    for i, arg in enumerate(sys.argv):
        if arg == "--raiz" and i + 1 < len(sys.argv):
            return Path(sys.argv[i + 1]).resolve()
    return Path(__file__).resolve().parents[1]


sys.path.insert(0, str(_raiz()))

from sqlalchemy import event  # noqa: E402

from apoyo.sembrado import AHORA, esquema_pg, sembrar_centro  # noqa: E402
from turnos.db.almacen import Almacen  # noqa: E402
from turnos.db.migrar import migrar  # noqa: E402
from turnos.db.motor import crear_motor  # noqa: E402
from turnos.dominio.estados import Accion  # noqa: E402
from turnos.servicios import atencion, emision, ventanillas  # noqa: E402

PG = os.environ.get("TURNOS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
COLA_INICIAL = 20


class Contador:
    """Sentencias que pasan por el cursor, separadas en escritura y lectura aparte."""

    def __init__(self) -> None:
        self.escritura = 0
        self.lectura = 0
        self.textos: list[str] = []

    def __call__(self, conn: Any, _cur: Any, sql: str, *_: Any) -> None:
        if conn.get_execution_options().get("solo_lectura"):
            self.lectura += 1
        else:
            self.escritura += 1
        self.textos.append(" ".join(sql.split())[:110])

    def reiniciar(self) -> None:
        self.escritura = self.lectura = 0
        self.textos = []


@contextmanager
def base(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as d:
            yield f"sqlite:///{Path(d) / 'turnos.db'}"
    else:
        yield from esquema_pg(PG)


def medir(backend: str, ciclos: int, detalle: bool, sync: str) -> None:
    with base(backend) as url:
        motor = crear_motor(url, sqlite_sync=sync)
        migrar(motor)
        alm = Almacen(motor)
        # Slug propio: en PostgreSQL los NOTIFY cruzan esquemas, y una prueba que corre a la vez
        # con su centro «prueba» recibiría estos eventos.
        centro = sembrar_centro(alm, slug="bench-sentencias")
        staff = centro.staff[0]
        ventanillas.cambiar_estado(alm, centro.slug, 1, "abierta", staff, AHORA)
        reloj = iter(AHORA + timedelta(milliseconds=i * 50) for i in range(10**9))
        for i in range(COLA_INICIAL):
            emision.emitir(alm, centro.slug, "AB"[i % 2], centro.kiosco, next(reloj))

        contador = Contador()
        event.listen(motor, "before_cursor_execute", contador)
        comandos: dict[str, Callable[[int], Any]] = {
            "emitir": lambda i: emision.emitir(
                alm, centro.slug, "AB"[i % 2], centro.kiosco, next(reloj)
            ),
            "llamar": lambda _i: atencion.llamar(alm, centro.slug, 1, staff, next(reloj)),
            "finalizar": lambda _i: atencion.actuar(
                alm, centro.slug, 1, Accion.FINALIZAR, staff, next(reloj)
            ),
        }
        tiempos: dict[str, list[float]] = {k: [] for k in comandos}
        cpu: dict[str, list[float]] = {k: [] for k in comandos}
        sentencias: dict[str, Counter[tuple[int, int]]] = {k: Counter() for k in comandos}
        textos: dict[str, list[str]] = {}
        for i in range(ciclos):
            for nombre, comando in comandos.items():
                contador.reiniciar()
                t0, c0 = time.perf_counter(), time.thread_time()
                comando(i)
                cpu[nombre].append((time.thread_time() - c0) * 1e6)
                tiempos[nombre].append((time.perf_counter() - t0) * 1e6)
                sentencias[nombre][(contador.escritura, contador.lectura)] += 1
                textos[nombre] = contador.textos  # las del último ciclo (caché llena)
        event.remove(motor, "before_cursor_execute", contador)
        motor.dispose()

    modo = f" (synchronous={sync})" if backend == "sqlite" else ""
    print(f"\n{backend}{modo}: {ciclos} ciclos emitir → llamar → finalizar, cola de {COLA_INICIAL}")
    print(
        f"{'comando':<10} {'sentencias (tx + lectura)':<26} {'mediana µs':>11} {'p90 µs':>9}"
        f" {'CPU µs':>8}"
    )
    for nombre in comandos:
        (esc, lec), _ = sentencias[nombre].most_common(1)[0]
        t = sorted(tiempos[nombre])
        p90 = t[int(len(t) * 0.9)]
        print(
            f"{nombre:<10} {f'{esc} + {lec}':<26} {statistics.median(t):>11.0f} {p90:>9.0f}"
            f" {statistics.median(cpu[nombre]):>8.0f}"
        )
    if detalle:
        for nombre, lista in textos.items():
            print(f"\n-- {nombre} ({len(lista)} sentencias)")
            for s in lista:
                print("   ", s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres", "ambos"], default="ambos")
    ap.add_argument("--ciclos", type=int, default=400)
    ap.add_argument("--detalle", action="store_true")
    ap.add_argument("--sqlite-sync", default="FULL", help="FULL (como en producción) o NORMAL")
    ap.add_argument("--raiz", default=None, help="worktree del que se importa turnos")
    args = ap.parse_args()
    carga = os.getloadavg()
    print(f"{platform.node()} · Python {platform.python_version()} · código de {_raiz()}")
    print(f"carga media: {carga[0]:.2f} {carga[1]:.2f} {carga[2]:.2f}")
    for b in ("sqlite", "postgres") if args.backend == "ambos" else (args.backend,):
        medir(b, args.ciclos, args.detalle, args.sqlite_sync)


if __name__ == "__main__":
    main()

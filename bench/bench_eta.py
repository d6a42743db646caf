"""Costo del estimador de espera en el camino de emisión y velocidad del back-test.

  - `emision.emitir` por turno con el estimador (como corre hoy) y con el estimador reemplazado
    por una constante (lo que costaba emitir sin él), con 0, 50 y 200 turnos ya en espera
    (mezcla general/preferente, 2 trámites, 3 ventanillas abiertas); y `estimar_turno` solo;
  - cuánto dura la transacción de escritura de emitir (de BEGIN a COMMIT: en SQLite, el candado
    que forma a los demás escritores), con el estimador;
  - lo mismo en tiempo de CPU del proceso (`time.process_time`): con la máquina cargada por
    otros, el tiempo de pared mide sobre todo la espera por CPU; en SQLite (todo en proceso) la
    CPU es la cifra estable (en PostgreSQL no cuenta el trabajo del servidor);
  - back-test (`turnos.dominio.retro.evaluar`) de un mes sintético: turnos evaluados por segundo.
En proceso (sin HTTP), SQLite en archivo temporal (y PostgreSQL con --backend ambos).

Uso: python bench/bench_eta.py [--n 200] [--backend sqlite|ambos] [--dias 22] [--esperas 0,50,200]
    [--ventanillas 3]
Imprime cifras; no afirma nada. Resultados en docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apoyo.sembrado import AHORA, esquema_pg, sembrar_centro  # noqa: E402
from turnos.db.almacen import Almacen  # noqa: E402
from turnos.db.migrar import migrar  # noqa: E402
from turnos.db.motor import crear_motor  # noqa: E402
from turnos.dominio.espera import Estimacion  # noqa: E402
from turnos.dominio.retro import evaluar  # noqa: E402
from turnos.dominio.simulacion import MES_SINTETICO, simular  # noqa: E402
from turnos.servicios import emision, estimacion, ventanillas  # noqa: E402
from turnos.tiempo import a_ms  # noqa: E402

PG = os.environ.get("TURNOS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def medir(url: str, n: int, espera: int, abiertas: int = 3) -> dict[str, float]:
    motor = crear_motor(url)
    migrar(motor)
    alm = Almacen(motor)
    c = sembrar_centro(alm, "bench", ventanillas=max(3, abiertas))  # cada una atiende A y B
    for v in range(1, abiertas + 1):
        ventanillas.cambiar_estado(alm, "bench", v, "abierta", c.staff[v - 1], AHORA)
    reloj = [AHORA]

    def emitir() -> dict[str, object]:
        reloj[0] += timedelta(milliseconds=100)
        i = int(reloj[0].timestamp() * 10)
        return emision.emitir(
            alm,
            "bench",
            "AB"[i % 2],
            c.kiosco,
            reloj[0],
            clase=("general", "preferente")[i % 3 == 0],
        )

    # El que llama emitir (antes del issue 13 pendiente 1, `estimar_turno`): el bench mide ambos.
    nombre = "estimar_en_espera" if hasattr(estimacion, "estimar_en_espera") else "estimar_turno"
    original = getattr(estimacion, nombre)
    # Sembrar la fila sin estimar (no se mide): 2000 en espera cuestan segundos, no minutos.
    setattr(estimacion, nombre, lambda *a, **k: Estimacion(0, None, None))
    for _ in range(espera):
        emitir()
    setattr(estimacion, nombre, original)
    tiempos: dict[str, list[float]] = {
        "con": [], "sin": [], "solo": [], "tx": [], "cpu_con": [], "cpu_sin": [], "cpu_solo": []
    }  # fmt: skip
    abierta: list[float] = []
    midiendo = [False]

    def empieza(conn: object) -> None:
        if not conn.get_execution_options().get("solo_lectura"):  # type: ignore[attr-defined]
            abierta[:] = [time.perf_counter()]

    def confirma(conn: object) -> None:
        if midiendo[0] and abierta and not conn.get_execution_options().get("solo_lectura"):  # type: ignore[attr-defined]
            tiempos["tx"].append(_ms(abierta.pop()))

    event.listen(motor, "begin", empieza)
    event.listen(motor, "commit", confirma)
    for i in range(2 * n):
        con = i % 2 == 0  # alternados: la cola crece igual para ambos
        if not con:
            setattr(estimacion, nombre, lambda *a, **k: Estimacion(0, None, None))
        midiendo[0] = con
        t0, c0 = time.perf_counter(), time.process_time()
        t = emitir()
        tiempos["con" if con else "sin"].append(_ms(t0))
        tiempos["cpu_con" if con else "cpu_sin"].append((time.process_time() - c0) * 1000)
        midiendo[0] = False
        setattr(estimacion, nombre, original)
        emision.cancelar(alm, str(t["token"]), reloj[0])  # la cola queda en `espera`
    with alm.lectura() as conn:
        politica = emision.consultas.centro(conn, "bench").politica
        ids = [
            f
            for (f,) in conn.execute(
                emision.text("SELECT id FROM turno WHERE estado = 'en_espera'")
            )
        ]
    # Como lo llaman emitir y /t/{token}: con la caché del catálogo del Almacén, si la hay.
    firma = inspect.signature(estimacion.estimar_turno).parameters
    caché = {"cache": alm.cache_catalogo} if "cache" in firma else {}
    for tid in ids[-min(n, len(ids)) :] if ids else []:
        with alm.lectura() as conn:
            t0, c0 = time.perf_counter(), time.process_time()
            estimacion.estimar_turno(conn, tid, a_ms(reloj[0]), politica, **caché)
            tiempos["solo"].append(_ms(t0))
            tiempos["cpu_solo"].append((time.process_time() - c0) * 1000)
    motor.dispose()
    return {k: statistics.median(v) if v else 0.0 for k, v in tiempos.items()}


def backtest(dias: int) -> tuple[int, float]:
    e = MES_SINTETICO
    registros, cambios = simular(e, dias, 1_790_000_000_000, semilla=7)
    t0 = time.perf_counter()
    evaluar(registros, cambios, e.ventanillas, {"A": 600, "B": 420})
    return len(registros), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--backend", choices=["sqlite", "ambos"], default="sqlite")
    ap.add_argument("--dias", type=int, default=22)
    ap.add_argument(
        "--esperas", default="0,50,200", help="turnos ya en espera, separados por comas"
    )
    ap.add_argument("--ventanillas", type=int, default=3, help="ventanillas abiertas (A y B)")
    args = ap.parse_args()
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
        f"; {args.ventanillas} ventanillas abiertas; carga media {os.getloadavg()[0]:.1f}"
    )
    backends = ["sqlite"] + (["postgres"] if args.backend == "ambos" else [])
    print(
        "backend   en espera  emitir sin estimador  emitir con estimador  sobrecosto"
        "  transacción (BEGIN→COMMIT)  estimar_turno solo"
    )
    for backend in backends:
        for espera in [int(x) for x in args.esperas.split(",")]:
            with tempfile.TemporaryDirectory() as d:
                if backend == "sqlite":
                    r = medir(f"sqlite:///{d}/bench.db", args.n, espera, args.ventanillas)
                else:
                    gen = esquema_pg(PG)
                    url = next(gen)
                    try:
                        r = medir(url, args.n, espera, args.ventanillas)
                    finally:
                        next(gen, None)
            extra = (r["con"] / r["sin"] - 1) * 100 if r["sin"] else 0.0
            cpu = (r["cpu_con"] / r["cpu_sin"] - 1) * 100 if r["cpu_sin"] else 0.0
            print(
                f"{backend:<9} {espera:>9}  {r['sin']:>17.2f} ms  {r['con']:>17.2f} ms"
                f"  {extra:>+9.0f} %  {r['tx']:>22.2f} ms  "
                + (f"{r['solo']:>15.2f} ms" if espera else f"{'—':>18}")
                + f"   | CPU del proceso: {r['cpu_sin']:.2f} / {r['cpu_con']:.2f} ms"
                f" ({cpu:+.0f} %), solo {r['cpu_solo']:.2f} ms"
            )
    n, seg = backtest(args.dias)
    print(f"back-test: {n} turnos en {seg:.2f} s = {n / seg:,.0f} turnos/s ({args.dias} días)")


if __name__ == "__main__":
    main()

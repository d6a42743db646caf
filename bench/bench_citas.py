"""Benchmark de citas (servicios sobre BD real, sin HTTP):
  - disponibilidad de un trámite a 30 días: p50/p99 (meta: p99 ≤ 20 ms en SQLite);
  - disponibilidad de 40 trámites × 60 días: tiempo total;
  - reservas por segundo (una tras otra) y con 16 hilos a la vez.
En SQLite (archivo temporal) y PostgreSQL (esquema temporal en TURNOS_BENCH_PG_URL).

Uso: python bench/bench_citas.py [--backend sqlite|postgres|ambos] [--consultas 200] [--reservas 400]
Imprime cifras; no afirma nada. Resultados en docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apoyo.sembrado import esquema_pg, sembrar_centro  # noqa: E402
from bench.cliente_http import percentil  # noqa: E402
from citas import configuracion, reservas  # noqa: E402
from citas.curp import digito_verificador  # noqa: E402
from turnos.db.almacen import Almacen  # noqa: E402
from turnos.db.migrar import migrar  # noqa: E402
from turnos.db.motor import crear_motor  # noqa: E402
from turnos.servicios import catalogo  # noqa: E402

PG = os.environ.get("TURNOS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
AHORA = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


_LEGIBLES = "ABCDEFGHJKLMNPRTUVWXY"  # sin I, O, Q, S, Z (turnos.dominio.numeracion)


def _curp(n: int) -> str:
    base = f"BECA{(n // 10000) % 90 + 10:02d}{n % 12 + 1:02d}{(n // 12) % 28 + 1:02d}HGTRRL"
    base += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n // 336) % 30]
    return base + str(digito_verificador(base))


def medir(url: str, consultas: int, n_reservas: int) -> None:
    motor = crear_motor(url, pool_size=20)
    migrar(motor)
    alm = Almacen(motor)
    centro = sembrar_centro(alm)
    tramites = [
        {
            "clave": f"T{i:02d}",
            "nombre": f"Trámite {i}",
            "prefijo": f"T{_LEGIBLES[i // len(_LEGIBLES)]}{_LEGIBLES[i % len(_LEGIBLES)]}",
        }
        for i in range(40)
    ]
    catalogo.importar_tramites(alm, "prueba", tramites, AHORA)
    for t in ["A", *(t["clave"] for t in tramites)]:
        configuracion.guardar_agenda(
            alm, "prueba", t, centro.jefe, AHORA, lugares=500, horizonte_dias=60
        )
    hoy = AHORA.date()
    tiempos = []
    for _ in range(consultas):
        t0 = time.perf_counter()
        reservas.disponibilidad(alm, "prueba", "A", hoy, hoy + timedelta(days=30), AHORA)
        tiempos.append((time.perf_counter() - t0) * 1000)
    print(
        f"  disponibilidad 1 trámite × 30 días: p50 {percentil(tiempos, 50):.1f} ms,"
        f" p99 {percentil(tiempos, 99):.1f} ms ({consultas} consultas)"
    )
    t0 = time.perf_counter()
    for t in tramites:
        reservas.disponibilidad(alm, "prueba", t["clave"], hoy, hoy + timedelta(days=60), AHORA)
    print(f"  disponibilidad 40 trámites × 60 días: {(time.perf_counter() - t0) * 1000:.0f} ms")

    horarios = reservas.disponibilidad(alm, "prueba", "A", hoy, hoy + timedelta(days=30), AHORA)
    inicios = [h["inicio"] for h in horarios["horarios"]]

    def reservar(n: int) -> None:
        datos = {
            "tramite": "A",
            "inicio": inicios[n % len(inicios)],
            "nombre": "X",
            "curp": _curp(n),
        }
        reservas.crear(alm, "prueba", datos, AHORA)

    t0 = time.perf_counter()
    for n in range(n_reservas):
        reservar(n)
    seg = time.perf_counter() - t0
    print(f"  reservas una tras otra: {n_reservas / seg:.0f}/s")
    hilos = [
        threading.Thread(
            target=lambda k=k: [
                reservar(n_reservas + k * 1000 + i) for i in range(n_reservas // 16)
            ]
        )
        for k in range(16)
    ]
    t0 = time.perf_counter()
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    seg = time.perf_counter() - t0
    print(f"  reservas con 16 hilos: {16 * (n_reservas // 16) / seg:.0f}/s")
    motor.dispose()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--backend", choices=["sqlite", "postgres", "ambos"], default="ambos")
    p.add_argument("--consultas", type=int, default=200)
    p.add_argument("--reservas", type=int, default=400)
    a = p.parse_args()
    print(
        f"Citas · {platform.processor() or platform.machine()} · Python {platform.python_version()}"
    )
    with ExitStack() as pila:
        if a.backend in ("sqlite", "ambos"):
            carpeta = pila.enter_context(tempfile.TemporaryDirectory())
            print("SQLite:")
            medir(f"sqlite:///{carpeta}/bench.db", a.consultas, a.reservas)
        if a.backend in ("postgres", "ambos"):
            print("PostgreSQL:")
            medir(pila.enter_context(contextmanager(esquema_pg)(PG)), a.consultas, a.reservas)


if __name__ == "__main__":
    main()

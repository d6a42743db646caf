"""Benchmark del núcleo: arranca el servidor real (uvicorn, 1 proceso) y mide por HTTP keep-alive
  - emisión de turnos por segundo con 1 y 16 clientes, latencia p50/p99;
  - «llamar siguiente» p50/p99 con 30 ventanillas concurrentes (cada una llama y finaliza).
En SQLite (archivo temporal) y PostgreSQL (esquema temporal en TURNOS_BENCH_PG_URL).

Uso: python bench/bench_core.py [--backend sqlite|postgres|ambos] [--turnos 4000] [--segundos 8]
(`TURNOS_SQLITE_SYNC=NORMAL` en el entorno mide SQLite con NORMAL; por omisión, FULL.)
Imprime cifras; no afirma nada. Resultados en docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apoyo.sembrado import TODO_EL_DIA, esquema_pg  # noqa: E402
from apoyo.servidor import servidor  # noqa: E402
from bench.cliente_http import Conexion, percentil  # noqa: E402
from turnos import tiempo  # noqa: E402
from turnos.db.almacen import Almacen  # noqa: E402
from turnos.db.migrar import migrar  # noqa: E402
from turnos.db.motor import crear_motor  # noqa: E402
from turnos.servicios import catalogo, cuentas, ventanillas  # noqa: E402

PG = os.environ.get("TURNOS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
VENTANILLAS = 30


def sembrar(url: str) -> tuple[str, str]:
    motor = crear_motor(url)
    migrar(motor)
    alm = Almacen(motor)
    ahora = tiempo.ahora()
    catalogo.crear_centro(
        alm, "bench", "Centro de benchmark", horario=TODO_EL_DIA, tolerancia_min=0
    )
    catalogo.importar_tramites(
        alm,
        "bench",
        [{"clave": f"T{i}", "nombre": f"Trámite {i}", "prefijo": "ABCD"[i]} for i in range(4)],
        ahora,
    )
    for n in range(1, VENTANILLAS + 1):
        catalogo.guardar_ventanilla(alm, "bench", n, f"V{n}", ["T0", "T1", "T2", "T3"], ahora)
    cuentas.crear_usuario(alm, "jefe-bench", "contrasena-bench", "jefe", "bench")
    jefe = cuentas.crear_token_personal(alm, "jefe-bench", ahora)
    from turnos.permisos import Actor

    actor = Actor("usuario", 1, "jefe", None, "jefe")
    for n in range(1, VENTANILLAS + 1):
        ventanillas.cambiar_estado(alm, "bench", n, "abierta", actor, ahora)
    _, kiosco = cuentas.crear_dispositivo(alm, "bench", "kiosco", "k", ahora)
    motor.dispose()
    return kiosco, jefe


async def emitir(
    puerto: int, token: str, clientes: int, total: int
) -> tuple[float, list[float], int]:
    por_cliente = total // clientes
    latencias: list[float] = []
    errores = 0

    async def uno(i: int) -> None:
        nonlocal errores
        c = Conexion("127.0.0.1", puerto, token)
        await c.abrir()
        for j in range(por_cliente):
            status, _, s = await c.post(
                "/api/v1/centros/bench/turnos", {"tramite": f"T{(i + j) % 4}"}
            )
            latencias.append(s)
            errores += status != 201
        await c.cerrar()

    t0 = time.perf_counter()
    await asyncio.gather(*(uno(i) for i in range(clientes)))
    return time.perf_counter() - t0, latencias, errores


async def llamar(
    puerto: int, token: str, segundos: float, pausa: float = 0.0
) -> tuple[list[float], int, int]:
    latencias: list[float] = []
    vacios = errores = 0
    fin = time.perf_counter() + segundos

    async def ventanilla(n: int) -> None:
        nonlocal vacios, errores
        c = Conexion("127.0.0.1", puerto, token)
        await c.abrir()
        while time.perf_counter() < fin:
            status, _, s = await c.post(f"/api/v1/centros/bench/ventanillas/{n}/llamar")
            if status == 204:
                vacios += 1
                break
            latencias.append(s)
            errores += status != 200
            status, _, _ = await c.post(f"/api/v1/centros/bench/ventanillas/{n}/finalizar")
            errores += status != 200
            if pausa:  # con variación: ventanillas reales no llaman todas al mismo tiempo
                await asyncio.sleep(random.uniform(0.5 * pausa, 1.5 * pausa))
        await c.cerrar()

    await asyncio.gather(*(ventanilla(n) for n in range(1, VENTANILLAS + 1)))
    return latencias, vacios, errores


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


@dataclass(frozen=True)
class Sembrado:
    url: str
    kiosco: str  # tokens
    jefe: str
    puerto: int
    donde: str  # qué base, para el encabezado


def servidor_sembrado(pila: ExitStack, backend: str) -> Sembrado:
    """Base nueva (archivo SQLite temporal o esquema de PostgreSQL), sembrada, y un uvicorn real
    sobre ella; todo se deshace al cerrar `pila`. Lo comparten bench_core y bench_rutas."""
    if backend == "sqlite":
        carpeta = pila.enter_context(tempfile.TemporaryDirectory())
        url = f"sqlite:///{carpeta}/bench.db"
    else:
        url = pila.enter_context(_contexto(esquema_pg(PG)))
    kiosco, jefe = sembrar(url)
    s = pila.enter_context(servidor(url, extra_env={"TURNOS_LOG": "WARNING"}))
    donde = (
        f"archivo temporal, synchronous={os.environ.get('TURNOS_SQLITE_SYNC', 'FULL')}"
        if backend == "sqlite"
        else "PostgreSQL local"
    )
    return Sembrado(url, kiosco, jefe, int(s.url.rsplit(":", 1)[1]), donde)


def correr(backend: str, turnos: int, segundos: float) -> None:
    with ExitStack() as pila:
        b = servidor_sembrado(pila, backend)
        puerto, kiosco, jefe = b.puerto, b.kiosco, b.jefe
        print(f"\n== {backend} ({b.donde}) ==")
        asyncio.run(emitir(puerto, kiosco, 4, 200))  # calentamiento
        for clientes in (1, 16):
            dur, lat, err = asyncio.run(emitir(puerto, kiosco, clientes, turnos))
            print(
                f"emitir  {clientes:>2} clientes: {len(lat) / dur:7.0f} turnos/s  p50 {ms(percentil(lat, 50))} ms"
                f"  p99 {ms(percentil(lat, 99))} ms  errores {err}  ({len(lat)} turnos)"
            )
        for pausa in (0.0, 0.5):
            lat, vacios, err = asyncio.run(llamar(puerto, jefe, segundos, pausa))
            ritmo = (
                "sin pausa (saturación)"
                if not pausa
                else f"cada ventanilla llama y finaliza cada ~{pausa} s"
            )
            print(
                f"llamar  30 ventanillas, {ritmo}: {len(lat)} llamadas  p50 {ms(percentil(lat, 50))} ms"
                f"  p99 {ms(percentil(lat, 99))} ms  max {ms(max(lat))} ms  errores {err}  colas vacías {vacios}"
            )


class _contexto:
    """Envuelve el generador de esquemas de prueba como administrador de contexto."""

    def __init__(self, gen):  # type: ignore[no-untyped-def]
        self.gen = gen

    def __enter__(self) -> str:
        return next(self.gen)

    def __exit__(self, *a: object) -> None:
        next(self.gen, None)


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--backend", choices=["sqlite", "postgres", "ambos"], default="ambos")
    p.add_argument("--turnos", type=int, default=4000)
    p.add_argument("--segundos", type=float, default=8.0)
    a = p.parse_args()
    from bench.bench_pantalla import cpu

    print(
        f"máquina: {platform.node()} · {cpu()} · {os.cpu_count()} núcleos · Python {platform.python_version()}"
    )
    for b in ["sqlite", "postgres"] if a.backend == "ambos" else [a.backend]:
        correr(b, a.turnos, a.segundos)


if __name__ == "__main__":
    main()

"""Rutas calientes contra el piso de la pila HTTP (issue 14): en la misma corrida y con el mismo
cliente (HTTP/1.1 keep-alive ligero, bench/cliente_http.py) contra el servidor real (uvicorn,
1 proceso, apoyo/servidor.py):

  - `GET /salud` (una lectura `SELECT 1`: lo mínimo que cuesta una petición con BD) y emitir
    turno, con 1 y 16 clientes: peticiones/s, p50, p99 y el cociente emitir / salud;
  - «llamar siguiente» con 30 ventanillas a ritmo FIJO (por omisión ~60 llamadas/s en total,
    cada ventanilla llama y finaliza cada 30/ritmo s con fases escalonadas; no es saturación):
    p50/p99 de llamar y de finalizar, y el ritmo logrado.

Uso: python bench/bench_rutas.py [--backend sqlite|postgres] [--turnos 2000] [--segundos 4]
     [--fila 50]
     [--ritmo 60]
Imprime cifras y las metas del issue a su lado; no afirma nada. Resultados en docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.bench_core import VENTANILLAS, ms, servidor_sembrado  # noqa: E402
from bench.cliente_http import Conexion, percentil  # noqa: E402

Pedido = Callable[[Conexion, int, int], Awaitable[tuple[int, bytes, float]]]


async def rafaga(
    puerto: int, token: str, clientes: int, total: int, pedir: Pedido, esperado: int
) -> tuple[float, list[float], int]:
    """`total` peticiones repartidas entre `clientes` conexiones que piden sin pausa."""
    latencias: list[float] = []
    errores = 0

    async def uno(i: int) -> None:
        nonlocal errores
        c = Conexion("127.0.0.1", puerto, token)
        await c.abrir()
        for j in range(total // clientes):
            status, _, s = await pedir(c, i, j)
            latencias.append(s)
            errores += status != esperado
        await c.cerrar()

    t0 = time.perf_counter()
    await asyncio.gather(*(uno(i) for i in range(clientes)))
    return time.perf_counter() - t0, latencias, errores


def salud(c: Conexion, i: int, j: int) -> Awaitable[tuple[int, bytes, float]]:
    return c.get("/salud")


def emitir(c: Conexion, i: int, j: int) -> Awaitable[tuple[int, bytes, float]]:
    return c.post("/api/v1/centros/bench/turnos", {"tramite": f"T{(i + j) % 4}"})


async def llamar_a_ritmo(
    puerto: int, token: str, segundos: float, ritmo: float
) -> tuple[list[float], list[float], int, int]:
    """Cada ventanilla llama (y finaliza) en instantes fijos: periodo = VENTANILLAS / ritmo, con
    fases escalonadas. Si una respuesta tarda más que el periodo, la siguiente sale al llegar
    (el ritmo logrado lo dice)."""
    periodo = VENTANILLAS / ritmo
    llamar: list[float] = []
    finalizar: list[float] = []
    errores = vacias = 0
    inicio = time.perf_counter() + 0.2

    async def ventanilla(n: int) -> None:
        nonlocal errores, vacias
        c = Conexion("127.0.0.1", puerto, token)
        await c.abrir()
        k = 0
        while True:
            turno = inicio + (n - 1) * periodo / VENTANILLAS + k * periodo
            if turno >= inicio + segundos:
                break
            await asyncio.sleep(max(0.0, turno - time.perf_counter()))
            status, _, s = await c.post(f"/api/v1/centros/bench/ventanillas/{n}/llamar")
            k += 1
            if status == 204:
                vacias += 1
                continue
            llamar.append(s)
            errores += status != 200
            status, _, s = await c.post(f"/api/v1/centros/bench/ventanillas/{n}/finalizar")
            finalizar.append(s)
            errores += status != 200
        await c.cerrar()

    await asyncio.gather(*(ventanilla(n) for n in range(1, VENTANILLAS + 1)))
    return llamar, finalizar, errores, vacias


def cifras(nombre: str, dur: float, lat: list[float], err: int) -> float:
    ritmo = len(lat) / dur
    print(
        f"  {nombre:<7} {ritmo:7.0f}/s  p50 {ms(percentil(lat, 50)):>6} ms"
        f"  p99 {ms(percentil(lat, 99)):>6} ms  errores {err}  ({len(lat)} peticiones)"
    )
    return ritmo


def carga() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def vaciar_fila(url: str) -> None:
    """Cancela por SQL a los que esperan (fuera de la medición): la fila vuelve a 0."""
    motor = create_engine(url)
    with motor.begin() as conn:
        conn.execute(text("UPDATE turno SET estado = 'cancelado' WHERE estado = 'en_espera'"))
        conn.execute(text("UPDATE espera SET n = 0"))
    motor.dispose()


def emitir_con_fila_corta(url: str, puerto: int, kiosco: str, turnos: int, fila: int) -> None:
    """Emitir con la fila de un centro real (0 a `fila` en espera): el estimador del issue 13
    recorre la fila en cada emisión, así que con miles en espera mide al estimador, no la pila."""
    for clientes in (1, 16):
        lat: list[float] = []
        dur = 0.0
        err = 0
        for _ in range(max(1, turnos // fila)):
            vaciar_fila(url)
            d, lat_r, e = asyncio.run(rafaga(puerto, kiosco, clientes, fila, emitir, 201))
            dur, err = dur + d, err + e
            lat.extend(lat_r)
        cifras(f"emitir, fila 0–{fila}, {clientes:>2} cl.", dur, lat, err)


def correr(backend: str, turnos: int, segundos: float, ritmo: float, fila: int = 0) -> None:
    with ExitStack() as pila:
        b = servidor_sembrado(pila, backend)
        url, puerto, kiosco, jefe = b.url, b.puerto, b.kiosco, b.jefe
        print(f"\n== {backend} ({b.donde}) · carga media al empezar {carga()} ==")
        asyncio.run(rafaga(puerto, kiosco, 4, 200, emitir, 201))  # calentamiento
        asyncio.run(rafaga(puerto, kiosco, 4, 200, salud, 200))
        en_cola = 200
        for clientes in (1, 16):
            print(f"{clientes} cliente{'s' if clientes > 1 else ''} (cola al empezar: {en_cola}):")
            r_salud = cifras(
                "salud", *asyncio.run(rafaga(puerto, kiosco, clientes, turnos, salud, 200))
            )
            dur, lat, err = asyncio.run(rafaga(puerto, kiosco, clientes, turnos, emitir, 201))
            r_emitir = cifras("emitir", dur, lat, err)
            en_cola += len(lat)
            print(f"  emitir / salud = {r_emitir / r_salud:.2f}")
        lat_l, lat_f, err, vacias = asyncio.run(llamar_a_ritmo(puerto, jefe, segundos, ritmo))
        print(
            f"llamar  {VENTANILLAS} ventanillas a ~{ritmo:.0f} llamadas/s (fijo, {segundos:.0f} s):"
            f" logrado {len(lat_l) / segundos:.0f}/s"
        )
        print(
            f"  llamar     p50 {ms(percentil(lat_l, 50)):>6} ms  p99 {ms(percentil(lat_l, 99)):>6} ms"
            f"  max {ms(max(lat_l, default=0.0))} ms  ({len(lat_l)} llamadas, colas vacías {vacias})"
        )
        print(
            f"  finalizar  p50 {ms(percentil(lat_f, 50)):>6} ms  p99 {ms(percentil(lat_f, 99)):>6} ms"
            f"  errores {err}"
        )
        if fila:  # después de llamar: vaciar la fila dejaría sin nadie a quien llamar
            print(f"emitir con la fila corta (se vacía antes de cada tanda de {fila}):")
            emitir_con_fila_corta(url, puerto, kiosco, turnos, fila)
        print(f"carga media al terminar {carga()}")
        print(
            "metas del issue 14 (no se afirman): emitir ≥ 1000/s y ≥ 0.6 × salud; p99 de emitir"
            " ≤ 5 ms (1 cliente) y ≤ 25 ms (16); p99 de llamar ≤ 25 ms"
        )


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--turnos", type=int, default=2000, help="peticiones por fase (salud y emitir)")
    p.add_argument("--segundos", type=float, default=4.0, help="duración de la fase de llamar")
    p.add_argument("--ritmo", type=float, default=60.0, help="llamadas/s en total al llamar")
    p.add_argument(
        "--fila",
        type=int,
        default=0,
        help="además, emitir en tandas de N con la fila vaciada antes de cada una (0: no)",
    )
    a = p.parse_args()
    from bench.bench_pantalla import cpu

    print(
        f"máquina: {platform.node()} · {cpu()} · {os.cpu_count()} núcleos"
        f" · Python {platform.python_version()}"
    )
    correr(a.backend, a.turnos, a.segundos, a.ritmo, a.fila)


if __name__ == "__main__":
    main()

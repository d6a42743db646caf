"""Pantallas con la app real: N websockets en /ws/pantalla del servidor (uvicorn, 1 proceso,
SQLite), llamados por la API `llamar`; mide de la respuesta de `llamar` (y del envío de la
petición) a la llegada del evento a cada pantalla.

    python bench/bench_pantalla_real.py --n 100 500 1000
    python bench/bench_pantalla_real.py --n 20 --llamados 5     # corto (CI)

Imprime cifras; no afirma nada. Resultados en docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apoyo.sembrado import sembrar_centro  # noqa: E402
from apoyo.servidor import servidor  # noqa: E402
from bench.bench_pantalla import _Pantalla, cpu, percentil  # noqa: E402
from turnos import tiempo  # noqa: E402
from turnos.db.almacen import Almacen  # noqa: E402
from turnos.db.migrar import migrar  # noqa: E402
from turnos.db.motor import crear_motor  # noqa: E402
from turnos.servicios import emision  # noqa: E402


async def medir(
    base: str, token_pantalla: str, token_v: str, n: int, llamados: int
) -> dict[str, Any]:
    import httpx

    puerto = int(base.rsplit(":", 1)[1])
    url = f"ws://127.0.0.1:{puerto}/ws/pantalla/prueba?token={token_pantalla}"
    loop = asyncio.get_running_loop()
    llegadas: list[tuple[str, float]] = []
    todo = asyncio.Event()

    def al_llegar(msg: dict[str, Any], ahora: float) -> None:
        llegadas.append((msg["turno"]["folio"], ahora))
        if len(llegadas) == n * llamados:
            todo.set()

    limite = asyncio.Semaphore(100)

    async def abrir() -> _Pantalla:
        async with limite:
            _t, p = await loop.create_connection(
                lambda: _Pantalla(url, al_llegar, lambda m: m.get("tipo") == "turno_llamado"),
                "127.0.0.1",
                puerto,
            )
            await asyncio.wait_for(p.lista, 60)
            return p

    t0 = time.monotonic()
    pantallas = await asyncio.gather(*(abrir() for _ in range(n)))
    t_conexion = time.monotonic() - t0
    enviado: dict[str, float] = {}
    respondido: dict[str, float] = {}
    h = {"Authorization": f"Bearer {token_v}"}
    async with httpx.AsyncClient(base_url=base, headers=h) as http:
        await http.post("/api/v1/centros/prueba/ventanillas/1/abrir")
        for _ in range(llamados):
            antes = time.monotonic()
            r = await http.post("/api/v1/centros/prueba/ventanillas/1/llamar")
            folio = r.json()["folio"]
            enviado[folio], respondido[folio] = antes, time.monotonic()
            await asyncio.sleep(0.05)
            await http.post("/api/v1/centros/prueba/ventanillas/1/finalizar")
    await asyncio.wait_for(todo.wait(), 120)
    for p in pantallas:
        if p.transporte is not None:
            p.transporte.close()
    return {
        "desde_respuesta": [t - respondido[f] for f, t in llegadas],
        "desde_envio": [t - enviado[f] for f, t in llegadas],
        "t_conexion": t_conexion,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, nargs="+", default=[100, 500, 1000])
    p.add_argument("--llamados", type=int, default=30)
    a = p.parse_args()
    print(
        f"CPU: {cpu()} ({os.cpu_count()} núcleos); app real, 1 proceso uvicorn, SQLite; clientes en otro proceso"
    )
    print(
        f"{'pantallas':>9} {'p50 resp':>9} {'p99 resp':>9} {'max resp':>9} {'p50 envío':>10} {'p99 envío':>10} {'conexión s':>11}"
    )
    for n in a.n:
        with tempfile.TemporaryDirectory() as carpeta:
            url = f"sqlite:///{carpeta}/bench.db"
            motor = crear_motor(url)
            migrar(motor)
            centro = sembrar_centro(Almacen(motor), ventanillas=1)
            alm = Almacen(motor)
            for _ in range(a.llamados):
                emision.emitir(alm, "prueba", "A", centro.kiosco, tiempo.ahora())
            motor.dispose()
            with servidor(url) as s:
                r = asyncio.run(
                    medir(s.url, centro.pantalla_token, centro.staff_tokens[0], n, a.llamados)
                )
        resp = [x * 1000 for x in r["desde_respuesta"]]
        env = [x * 1000 for x in r["desde_envio"]]
        print(
            f"{n:>9} {statistics.median(resp):>9.1f} {percentil(resp, 99):>9.1f} {max(resp):>9.1f}"
            f" {statistics.median(env):>10.1f} {percentil(env, 99):>10.1f} {r['t_conexion']:>11.2f}"
        )


if __name__ == "__main__":
    main()

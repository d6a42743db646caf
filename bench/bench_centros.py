"""Emisión en PostgreSQL a través de muchos centros: servidor real (uvicorn, N workers), un cliente
HTTP keep-alive por centro durante S segundos; y, para comparar, UN centro con 1 y 16 clientes.

Imprime turnos/s total, p50/p99 global, turnos/s y p99 por centro (mín/mediana/máx), errores, y
en qué esperaban los backends del servidor durante la carga (muestreo de pg_stat_activity: «Lock
object» es el candado global que toma PostgreSQL al confirmar una transacción con NOTIFY).

Uso: python bench/bench_centros.py [--centros 50] [--segundos 10] [--workers 3]
     [--pg synchronous_commit=off] [--pg commit_delay=1000 --pg commit_siblings=5]
     [--sin-notify] [--casos centros,uno]
`--pg` son ajustes de SESIÓN que viajan en la URL (`options=-c …`): solo afectan las conexiones
de este servidor, no el PostgreSQL compartido. `--sin-notify` quita el NOTIFY (las pantallas no
reciben nada): sirve solo para medir cuánto cuesta. Imprime cifras; no afirma nada.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from apoyo.sembrado import TODO_EL_DIA, esquema_pg  # noqa: E402
from apoyo.servidor import servidor  # noqa: E402
from bench.bench_core import _contexto  # noqa: E402
from bench.cliente_http import Conexion, percentil  # noqa: E402
from turnos import tiempo  # noqa: E402
from turnos.db.almacen import Almacen  # noqa: E402
from turnos.db.migrar import migrar  # noqa: E402
from turnos.db.motor import crear_motor  # noqa: E402
from turnos.servicios import catalogo, cuentas  # noqa: E402

PG = os.environ.get("TURNOS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RAIZ = Path(__file__).resolve().parents[1]
APLICACION = "turnos_bench_centros"


def fabrica_sin_notify() -> Any:
    """La app de siempre sin NOTIFY (solo para medir su costo; las pantallas quedan mudas)."""
    from turnos.db.almacen import Almacen
    from turnos.web.app import fabrica

    Almacen._notificar = lambda self, eventos: None  # type: ignore[method-assign]
    return fabrica()


def url_con_ajustes(url: str, ajustes: list[str]) -> str:
    """Agrega `-c clave=valor` al parámetro `options` de la URL (una sola vez) y un nombre de
    aplicación para reconocer nuestros backends en pg_stat_activity."""
    extra = "".join(f"%20-c{quote(a, safe='')}" for a in ajustes)
    url = url.replace("options=-csearch_path", f"options={extra[3:]}%20-csearch_path", 1)
    if not ajustes:
        url = url.replace("options=%20", "options=", 1)
    return f"{url}&application_name={APLICACION}"


def sembrar(url: str, centros: int) -> dict[str, str]:
    """N centros con 4 trámites y un kiosco cada uno; devuelve slug → token del kiosco."""
    motor = crear_motor(url)
    migrar(motor)
    alm = Almacen(motor)
    ahora = tiempo.ahora()
    tramites = [
        {"clave": f"T{i}", "nombre": f"Trámite {i}", "prefijo": "ABCD"[i]} for i in range(4)
    ]
    tokens = {}
    for i in range(centros):
        slug = f"c{i:03d}"
        catalogo.crear_centro(alm, slug, f"Centro {i}", horario=TODO_EL_DIA, tolerancia_min=0)
        catalogo.importar_tramites(alm, slug, tramites, ahora)
        _, tokens[slug] = cuentas.crear_dispositivo(alm, slug, "kiosco", "k", ahora)
    motor.dispose()
    return tokens


class Muestreo:
    """Cada 50 ms cuenta en qué esperan los backends activos del servidor (por application_name)."""

    def __init__(self, url: str) -> None:
        self.motor = create_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
        self.cuentas: Counter[str] = Counter()
        self.muestras = 0
        self._alto = threading.Event()
        self._hilo = threading.Thread(target=self._correr, daemon=True)

    def _correr(self) -> None:
        consulta = text(
            "SELECT coalesce(wait_event_type || ' ' || wait_event, 'CPU'), count(*)"
            " FROM pg_stat_activity WHERE application_name = :a AND state = 'active'"
            " GROUP BY 1"
        )
        with self.motor.connect() as c:
            while not self._alto.wait(0.05):
                for espera, n in c.execute(consulta, {"a": APLICACION}):
                    self.cuentas[espera] += n
                self.muestras += 1

    def __enter__(self) -> Muestreo:
        self._hilo.start()
        return self

    def __exit__(self, *a: object) -> None:
        self._alto.set()
        self._hilo.join()
        self.motor.dispose()

    def resumen(self) -> str:
        if not self.muestras:
            return "sin muestras"
        partes = [f"{espera} {n / self.muestras:.1f}" for espera, n in self.cuentas.most_common(5)]
        return "backends activos en promedio por espera: " + ", ".join(partes)


async def emitir(
    puerto: int, clientes: list[tuple[str, str]], segundos: float
) -> tuple[float, dict[str, list[float]], int]:
    """Cada (slug, token) es un cliente keep-alive que emite sin pausa durante `segundos`."""
    por_centro: dict[str, list[float]] = {slug: [] for slug, _ in clientes}
    errores = 0
    fin = time.perf_counter() + segundos

    async def uno(i: int, slug: str, token: str) -> None:
        nonlocal errores
        c = Conexion("127.0.0.1", puerto, token)
        await c.abrir()
        j = 0
        while time.perf_counter() < fin:
            status, _, s = await c.post(
                f"/api/v1/centros/{slug}/turnos", {"tramite": f"T{(i + j) % 4}"}
            )
            j += 1
            if status == 201:
                por_centro[slug].append(s)
            else:
                errores += 1
        await c.cerrar()

    t0 = time.perf_counter()
    await asyncio.gather(*(uno(i, slug, tok) for i, (slug, tok) in enumerate(clientes)))
    return time.perf_counter() - t0, por_centro, errores


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def informe(titulo: str, dur: float, por_centro: dict[str, list[float]], errores: int) -> None:
    todas = [x for lat in por_centro.values() for x in lat]
    print(
        f"{titulo}: {len(todas) / dur:7.0f} turnos/s  p50 {ms(percentil(todas, 50))} ms"
        f"  p99 {ms(percentil(todas, 99))} ms  errores {errores}  ({len(todas)} turnos)"
    )
    if len(por_centro) > 1:
        ritmos = sorted(len(lat) / dur for lat in por_centro.values())
        p99s = sorted(percentil(lat, 99) for lat in por_centro.values() if lat)
        print(
            f"   por centro: turnos/s mín {ritmos[0]:.1f} · mediana {statistics.median(ritmos):.1f}"
            f" · máx {ritmos[-1]:.1f};  p99 mín {ms(p99s[0])} · mediana"
            f" {ms(statistics.median(p99s))} · máx {ms(p99s[-1])} ms"
        )


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--centros", type=int, default=50)
    p.add_argument("--segundos", type=float, default=10.0)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--pg", action="append", default=[], metavar="AJUSTE=VALOR")
    p.add_argument("--sin-notify", action="store_true")
    p.add_argument("--casos", default="centros,uno", help="centros, uno o ambos (coma)")
    a = p.parse_args()
    from bench.bench_pantalla import cpu

    print(
        f"máquina: {platform.node()} · {cpu()} · {os.cpu_count()} núcleos · Python"
        f" {platform.python_version()} · carga media {os.getloadavg()[0]:.2f}"
    )
    print(
        f"PostgreSQL local · {a.workers} workers · ajustes de sesión: {', '.join(a.pg) or 'ninguno'}"
        f"{' · SIN NOTIFY' if a.sin_notify else ''}"
    )
    casos = a.casos.split(",")
    gen = esquema_pg(PG)
    with _contexto(gen) as base:
        url = url_con_ajustes(base, a.pg)
        tokens = sembrar(url, max(a.centros, 1))
        fabrica = (
            "bench.bench_centros:fabrica_sin_notify" if a.sin_notify else "turnos.web.app:fabrica"
        )
        env = {"TURNOS_LOG": "WARNING", "PYTHONPATH": str(RAIZ)}
        with servidor(url, workers=a.workers, extra_env=env, fabrica=fabrica) as s:
            puerto = int(s.url.rsplit(":", 1)[1])
            todos = list(tokens.items())
            asyncio.run(emitir(puerto, todos, 1.0))  # calentamiento: todos los workers y centros
            if "centros" in casos:
                with Muestreo(url) as m:
                    dur, lat, err = asyncio.run(emitir(puerto, todos, a.segundos))
                informe(f"{len(todos):>3} centros × 1 cliente", dur, lat, err)
                print(f"   {m.resumen()}")
            if "uno" in casos:
                for n in (1, 16):
                    with Muestreo(url) as m:
                        dur, lat, err = asyncio.run(emitir(puerto, [todos[0]] * n, a.segundos))
                    informe(f"  1 centro  × {n:>2} clientes", dur, lat, err)
                    print(f"   {m.resumen()}")
    print("meta (issue 14): 50 centros × 1 cliente, 3 workers: ≥ 600 turnos/s, p99 ≤ 50 ms")


if __name__ == "__main__":
    main()

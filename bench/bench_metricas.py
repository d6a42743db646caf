"""Benchmark de métricas: un mes con 1,000,000 de turnos en 40 trámites (SQLite) y el costo del
reporte mensual (nunca resumido, tras resumir y en memoria); y el scrape de /metrics con 50
centros × 40 trámites, incluido el primer scrape de un proceso nuevo tras reiniciar.

Los datos se insertan directo en SQLite (executemany en una transacción, como una importación):
lo que se mide es la lectura, no la emisión. Imprime cifras; no afirma nada. Resultados en
docs/PERFORMANCE.md (Métricas) y docs/KPIS.md (Rendimiento).

Uso: python bench/bench_metricas.py [--turnos 1000000] [--centros 50] [--repeticiones 5]
    [--dir CARPETA (reutiliza las bases)] [--solo reporte|scrape]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datos_metricas import MES, crear_base, dias_habiles, poblar_mes, poblar_metricas  # noqa: E402
from turnos.db.migrar import migrar  # noqa: E402
from turnos.db.motor import crear_motor  # noqa: E402

NL = b"\n"


def _reutilizar(ruta: Path, resumenes: tuple[str, ...]) -> bool:
    """Con --dir, una base ya generada se reutiliza (generar el mes tarda): se migra al esquema
    de este código y se borran los resúmenes, como una base nunca resumida."""
    if not ruta.exists():
        return False
    motor = crear_motor(f"sqlite:///{ruta}")
    migrar(motor)
    motor.dispose()
    con = sqlite3.connect(ruta)
    with con:
        tablas = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for t in resumenes:
            if t in tablas:
                con.execute(f"DELETE FROM {t}")
    con.close()
    return True


def _cronometrar(funcion, repeticiones: int) -> list[float]:  # type: ignore[no-untyped-def]
    tiempos = []
    for _ in range(repeticiones):
        a = time.perf_counter()
        funcion()
        tiempos.append((time.perf_counter() - a) * 1000)
    return tiempos


def _fmt(tiempos: list[float]) -> str:
    return f"mediana {statistics.median(tiempos):.1f} ms (mín {min(tiempos):.1f}, máx {max(tiempos):.1f})"


def bench_reporte(dir_: Path, turnos: int, repeticiones: int) -> None:
    from metricas import consultas, reportes
    from turnos.db.motor import crear_motor

    ruta = dir_ / "mes.db"
    a = time.perf_counter()
    if _reutilizar(ruta, ("kpi_dia",)):
        n = sqlite3.connect(ruta).execute("SELECT count(*) FROM turno").fetchone()[0]
        origen = "reutilizados; resúmenes borrados"
    else:
        crear_base(ruta, 1, 40, 40)
        n = poblar_mes(ruta, turnos, 40, 40)
        origen = f"generados en {time.perf_counter() - a:.1f} s"
    print(
        f"reporte: {n:,} tramos en {len(dias_habiles(MES))} días hábiles, 40 trámites,"
        f" 40 ventanillas ({origen})"
    )
    motor = crear_motor(f"sqlite:///{ruta}")
    fin_mes = date(MES.year, MES.month + 1, 1) - timedelta(days=1)

    def mensual() -> None:
        with motor.connect().execution_options(solo_lectura=True) as conn:
            inf = consultas.informe(motor, conn, "c1", MES, fin_mes, date(2026, 11, 20))
        for t in reportes.TABLAS:
            reportes.tabla(inf, t)

    consultas.olvidar_cache()
    frio = _cronometrar(mensual, 1)
    print(
        f"  reporte mensual sobre datos nunca resumidos (calcula los {len(dias_habiles(MES))}"
        f" días, {getattr(consultas, 'PARALELO', 1)} conexiones): {frio[0]:.0f} ms"
    )
    print(
        f"  reporte mensual con días cerrados en caché: {_fmt(_cronometrar(mensual, repeticiones))}"
    )
    consultas.olvidar_cache()  # como tras reiniciar: la memoria se pierde, kpi_dia no
    print(
        "  reporte mensual tras reiniciar (días leídos de kpi_dia): "
        f"{_fmt(_cronometrar(mensual, 1))}"
    )

    def un_dia() -> None:
        with motor.connect().execution_options(solo_lectura=True) as conn:
            consultas.calcular_dia(
                conn, 1, "America/Mexico_City", date(2026, 10, 14), date(2026, 10, 14)
            )

    print(
        f"  un día ({n // len(dias_habiles(MES)):,} tramos, el de «hoy»): "
        f"{_fmt(_cronometrar(un_dia, repeticiones))}"
    )
    motor.dispose()


def bench_scrape(dir_: Path, centros: int, por_tramite: int, repeticiones: int) -> None:
    from types import SimpleNamespace

    from metricas import prometheus
    from turnos.db.almacen import Almacen

    ruta = dir_ / "metricas.db"
    if _reutilizar(ruta, ("metricas_acumulado", "metricas_eta_dia")):
        con = sqlite3.connect(ruta)
        eventos = con.execute("SELECT count(*) FROM evento").fetchone()[0]
        con.close()
    else:
        crear_base(ruta, centros, 40, 4)
        eventos = poblar_metricas(ruta, centros, 40, por_tramite)
    motor = crear_motor(f"sqlite:///{ruta}")
    app = SimpleNamespace(
        state=SimpleNamespace(
            alm=Almacen(motor), reloj=lambda: datetime(2026, 11, 2, 20, tzinfo=UTC)
        )
    )
    exp = prometheus.exportador_de(app)
    print(f"/metrics: {centros} centros × 40 trámites, {eventos:,} eventos en la bitácora")
    frio = _cronometrar(exp.texto, 1)
    texto = exp.texto()
    print(
        f"  primer scrape de una base nunca raspada (recorre la bitácora): {frio[0]:.0f} ms;"
        f" {len(texto) / 1e6:.1f} MB, {texto.count(NL):,} líneas"
    )
    from metricas import eta_metricas

    if hasattr(eta_metricas, "guardar_ayer"):  # lo que hace el trabajo en segundo plano
        a = time.perf_counter()
        eta_metricas.guardar_ayer(app.state.alm, app.state.reloj())
        print(
            "  precisión de la ETA de ayer calculada y guardada (segundo plano):"
            f" {(time.perf_counter() - a) * 1000:.0f} ms"
        )
    for _ in range(2):  # cada vez en un proceso nuevo, como tras reiniciar el servidor
        r = subprocess.run(
            [sys.executable, __file__, "--primer-scrape", str(ruta)],
            capture_output=True,
            text=True,
            check=True,
        )
        print("  " + r.stdout.strip())
    print(f"  scrape sin cambios: {_fmt(_cronometrar(exp.texto, repeticiones))}")
    con = sqlite3.connect(ruta)
    cols = {r[1] for r in con.execute("PRAGMA table_info(evento)")}
    extra = (", publico", ",'{}'") if "publico" in cols else ("", "")

    def con_cambios() -> None:
        # Un evento nuevo en 5 centros: solo esos se vuelven a leer y formatear.
        with con:
            for c in range(1, min(5, centros) + 1):
                seq = con.execute("SELECT seq FROM cadena WHERE centro_id = ?", (c,)).fetchone()[0]
                con.execute(
                    f"INSERT INTO evento (centro_id, seq, ts_ms, tipo, datos, hash_previo, hash"
                    f"{extra[0]}) VALUES (?, ?, 0, 'impresion_fallida', '{{}}', '', ''{extra[1]})",
                    (c, seq + 1),
                )
                con.execute("UPDATE cadena SET seq = ? WHERE centro_id = ?", (seq + 1, c))
        exp.texto()

    print(
        f"  scrape con eventos nuevos en {min(5, centros)} centros:"
        f" {_fmt(_cronometrar(con_cambios, repeticiones))}"
    )
    motor.dispose()


def primer_scrape(ruta: Path) -> None:
    """En un proceso nuevo (ya importado el código, como un servidor que arrancó): el primer
    scrape completo y en qué se va (acumulados y bitácora, texto, ETA, otras capacidades)."""
    from types import SimpleNamespace

    from prometheus_client import generate_latest

    from metricas import prometheus
    from turnos.capacidades import descubrir
    from turnos.db.almacen import Almacen

    capacidades = [c for c in descubrir() if c.metricas is not None]
    app = SimpleNamespace(
        state=SimpleNamespace(
            alm=Almacen(crear_motor(f"sqlite:///{ruta}")),
            reloj=lambda: datetime(2026, 11, 2, 20, tzinfo=UTC),
        )
    )
    exp = prometheus.exportador_de(app)
    partes = {}
    a = time.perf_counter()
    exp.estado.actualizar()
    partes["acumulados y bitácora"] = time.perf_counter()
    exp.estado.texto()
    partes["texto"] = time.perf_counter()
    exp.eta.texto(exp.estado.alm, exp.estado.reloj())
    partes["ETA"] = time.perf_counter()
    for c in capacidades:
        c.metricas(exp.estado.alm)
        partes[c.nombre] = time.perf_counter()
    generate_latest(exp.proceso)
    partes["proceso"] = time.perf_counter()
    total = (time.perf_counter() - a) * 1000
    detalle, antes = [], a
    for nombre, t in partes.items():
        detalle.append(f"{nombre} {(t - antes) * 1000:.0f}")
        antes = t
    print(f"primer scrape tras reiniciar (proceso nuevo): {total:.0f} ms ({', '.join(detalle)} ms)")


def main() -> None:
    if sys.argv[1:2] == ["--primer-scrape"]:
        primer_scrape(Path(sys.argv[2]))
        return
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--turnos", type=int, default=1_000_000)
    p.add_argument("--centros", type=int, default=50)
    p.add_argument("--por-tramite", type=int, default=25, help="turnos por trámite (scrape)")
    p.add_argument("--repeticiones", type=int, default=5)
    p.add_argument(
        "--dir", type=Path, help="carpeta donde guardar las bases y reutilizarlas en otra corrida"
    )
    p.add_argument("--solo", choices=("reporte", "scrape"), help="medir solo una parte")
    a = p.parse_args()
    modelo = subprocess.run(
        "lscpu | grep 'Model name'", shell=True, capture_output=True, text=True
    ).stdout.strip()
    print(
        modelo or "lscpu: sin «Model name»",
        f"· {os.cpu_count()} CPU · SQLite",
        sqlite3.sqlite_version,
    )
    with tempfile.TemporaryDirectory() as d:
        dir_ = a.dir or Path(d)
        dir_.mkdir(parents=True, exist_ok=True)
        if a.solo != "scrape":
            bench_reporte(dir_, a.turnos, a.repeticiones)
        if a.solo != "reporte":
            bench_scrape(dir_, a.centros, a.por_tramite, a.repeticiones)


if __name__ == "__main__":
    main()

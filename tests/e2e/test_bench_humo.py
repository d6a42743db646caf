"""Los benchmarks corren en CI a escala pequeña (imprimen cifras; aquí no se afirma ningún tiempo,
solo que siguen funcionando contra la app real)."""

import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]


def correr(*args):
    r = subprocess.run(
        [sys.executable, *args], cwd=RAIZ, capture_output=True, text=True, timeout=600
    )
    print(r.stdout)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


@pytest.mark.lento
def test_bench_pantallas_pequeno():
    salida = correr("bench/bench_pantalla_real.py", "--n", "20", "--llamados", "5")
    assert "pantallas" in salida and "\n       20 " in salida


@pytest.mark.lento
def test_bench_nucleo_pequeno():
    salida = correr(
        "bench/bench_core.py", "--backend", "sqlite", "--turnos", "160", "--segundos", "1"
    )
    assert "turnos/s" in salida and "errores 0" in salida


@pytest.mark.lento
def test_bench_rutas_pequeno():
    salida = correr("bench/bench_rutas.py", "--turnos", "64", "--segundos", "1", "--ritmo", "30")
    assert "emitir / salud" in salida and "llamar" in salida
    assert salida.count("errores 0") == 5


@pytest.mark.lento
def test_bench_ticket_pequeno():
    salida = correr("bench/bench_ticket.py", "--n", "20")
    assert "generico_80mm" in salida


@pytest.mark.lento
def test_bench_citas_pequeno():
    salida = correr(
        "bench/bench_citas.py", "--backend", "sqlite", "--consultas", "5", "--reservas", "32"
    )
    assert "disponibilidad 1 trámite × 30 días" in salida and "reservas con 16 hilos" in salida


@pytest.mark.lento
def test_bench_eta_pequeno():
    salida = correr("bench/bench_eta.py", "--n", "5", "--dias", "1")
    assert "back-test" in salida and "sqlite" in salida


@pytest.mark.lento
def test_bench_metricas_pequeno():
    salida = correr(
        "bench/bench_metricas.py",
        "--turnos",
        "2000",
        "--centros",
        "3",
        "--por-tramite",
        "2",
        "--repeticiones",
        "1",
    )
    assert "datos nunca resumidos" in salida and "días leídos de kpi_dia" in salida
    assert salida.count("primer scrape tras reiniciar (proceso nuevo)") == 2


@pytest.mark.lento
@pytest.mark.postgres
def test_bench_centros_pequeno(pg_base, monkeypatch):
    monkeypatch.setenv("TURNOS_BENCH_PG_URL", pg_base)
    salida = correr(
        "bench/bench_centros.py",
        "--centros",
        "3",
        "--segundos",
        "1",
        "--workers",
        "2",
        "--pg",
        "synchronous_commit=local",
    )
    assert "3 centros × 1 cliente" in salida and "1 centro  × 16 clientes" in salida
    assert salida.count("errores 0") == 3


@pytest.mark.lento
def test_bench_sentencias_pequeno():
    salida = correr("bench/bench_sentencias.py", "--backend", "sqlite", "--ciclos", "5")
    assert "emitir" in salida and "finalizar" in salida and "sentencias" in salida

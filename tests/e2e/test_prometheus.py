"""/metrics: cifras del escenario de KPI, formato válido (parser de prometheus_client y
`promtool check metrics`), el Collector da lo mismo, dos procesos dan lo mismo, y un servidor
Prometheus real lo raspa y responde PromQL."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from metricas import prometheus as prom
from metricas.colector import ColectorTurnos
from metricas.consultas import olvidar_cache
from tests.conftest import minutos, omitir, sembrar_centro
from tests.e2e.test_metricas_apoyo import servidor_metricas
from tests.integration.test_metricas_kpis import escenario
from tests.servidor import puerto_libre
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.settings import Settings
from turnos.web.app import crear_app

ESPERADO = {"A": 2.0, "B": 2.0, "C": 0.0}  # atendidos por trámite en el escenario de KPI
MONITOREO = Path(__file__).resolve().parents[2] / "metricas" / "monitoreo"


def muestras(texto: str, prefijo: str = "turnos_") -> dict[tuple[str, frozenset], float]:
    r = {}
    for fam in text_string_to_metric_families(texto):
        for s in fam.samples:
            if s.name.startswith(prefijo):
                r[(s.name, frozenset(s.labels.items()))] = s.value
    return r


def valor(m: dict, nombre: str, **etiquetas: str) -> float:
    return m[(nombre, frozenset(etiquetas.items()))]


@pytest.fixture
def app(alm, centro, db_url):
    olvidar_cache()
    escenario(alm, centro)
    return crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: minutos(130))


def test_metrics_con_las_cifras_del_escenario(app) -> None:
    with TestClient(app) as cliente:
        r = cliente.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    m = muestras(r.text)
    e = "turnos_atendidos_total"
    assert valor(m, e, centro="prueba", tramite="A", origen="kiosco") == 1
    assert valor(m, e, centro="prueba", tramite="A", origen="recepcion") == 1
    assert valor(m, e, centro="prueba", tramite="B", origen="kiosco") == 1  # A-001, tramo 2
    assert valor(m, e, centro="prueba", tramite="B", origen="cita") == 1  # B-002
    emitidos = {k: v for k, v in m.items() if k[0] == "turnos_emitidos_total" and v}
    assert sum(emitidos.values()) == 7
    assert valor(m, "turnos_ausentes_total", centro="prueba", tramite="B", origen="web") == 1
    assert valor(m, "turnos_cancelados_total", centro="prueba", tramite="A", origen="kiosco") == 1
    assert valor(m, "turnos_transferidos_total", centro="prueba", tramite="A", origen="kiosco") == 1
    # Espera de A al llamar: 9, 12 y 22 min.
    h = "turnos_espera_seconds"
    assert valor(m, f"{h}_bucket", centro="prueba", tramite="A", le="600.0") == 1
    assert valor(m, f"{h}_bucket", centro="prueba", tramite="A", le="900.0") == 2
    assert valor(m, f"{h}_bucket", centro="prueba", tramite="A", le="1800.0") == 3
    assert valor(m, f"{h}_count", centro="prueba", tramite="A") == 3
    assert valor(m, f"{h}_sum", centro="prueba", tramite="A") == 43 * 60
    assert valor(m, "turnos_atencion_seconds_sum", centro="prueba", tramite="B") == 27 * 60
    assert valor(m, "turnos_en_espera", centro="prueba", tramite="C") == 0  # expiró
    assert valor(m, "turnos_ventanillas_abiertas", centro="prueba") == 0
    assert valor(m, "turnos_espera_maxima_seconds", centro="prueba", tramite="A") == 1800
    assert valor(m, "turnos_impresiones_fallidas_total", centro="prueba") == 0
    assert "process_cpu_seconds_total" in r.text and "python_info" in r.text
    assert not any("Persona" in str(k) for k in m)  # nunca datos personales en etiquetas


def test_medidores_en_vivo(alm, centro, db_url) -> None:
    from turnos.servicios import emision, ventanillas

    ventanillas.cambiar_estado(alm, centro.slug, 1, "abierta", centro.staff[0], minutos(0))
    emision.emitir(alm, centro.slug, "A", centro.kiosco, minutos(1))
    emision.emitir(alm, centro.slug, "A", centro.kiosco, minutos(5))
    app = crear_app(Settings(db=db_url, secreto="x"), reloj=lambda: minutos(41))
    with TestClient(app) as cliente:
        m = muestras(cliente.get("/metrics").text)
    assert valor(m, "turnos_en_espera", centro="prueba", tramite="A") == 2
    assert valor(m, "turnos_espera_mas_antigua_seconds", centro="prueba", tramite="A") == 2400
    assert valor(m, "turnos_ventanillas_abiertas", centro="prueba") == 1
    assert valor(m, "turnos_ventanillas_atendiendo", centro="prueba") == 0


def test_promtool_y_collector_iguales(app) -> None:
    if shutil.which("promtool") is None:
        omitir("falta promtool (apt-get install prometheus)")
    with TestClient(app) as cliente:
        texto = cliente.get("/metrics").text
    r = subprocess.run(
        ["promtool", "check", "metrics"], input=texto.encode(), capture_output=True, timeout=30
    )
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    registro = CollectorRegistry()
    registro.register(ColectorTurnos(prom.exportador_de(app).estado))
    del_collector = muestras(generate_latest(registro).decode())
    nucleo = {k[0] for k in del_collector}  # las capacidades (citas, encuestas…) suman las suyas
    rapido = {k: v for k, v in muestras(texto).items() if k[0] in nucleo}
    sin_reloj = {k: v for k, v in rapido.items() if "antigua" not in k[0]}
    assert {k: v for k, v in del_collector.items() if "antigua" not in k[0]} == sin_reloj


def test_incremental_da_lo_mismo_que_desde_cero(alm, centro, db_url) -> None:
    from turnos.servicios import atencion, emision, ventanillas

    app = crear_app(Settings(db=db_url, secreto="x"), reloj=lambda: minutos(30))
    with TestClient(app) as cliente:
        cliente.get("/metrics")
        ventanillas.cambiar_estado(alm, centro.slug, 1, "abierta", centro.staff[0], minutos(0))
        emision.emitir(alm, centro.slug, "A", centro.kiosco, minutos(1))
        atencion.llamar(alm, centro.slug, 1, centro.staff[0], minutos(4))
        incremental = cliente.get("/metrics").text
    otra = crear_app(Settings(db=db_url, secreto="x"), reloj=lambda: minutos(30))
    with TestClient(otra) as cliente:
        desde_cero = cliente.get("/metrics").text
    assert muestras(incremental) == muestras(desde_cero)
    m = muestras(incremental)
    assert valor(m, "turnos_espera_seconds_count", centro="prueba", tramite="A") == 1


def _sembrar(url: str) -> None:
    motor = crear_motor(url)
    migrar(motor)
    alm = Almacen(motor)
    escenario(alm, sembrar_centro(alm))
    motor.dispose()


@pytest.mark.postgres
@pytest.mark.lento
def test_dos_procesos_dan_las_mismas_cifras(pg_base) -> None:
    from tests.conftest import esquema_pg

    for url in esquema_pg(pg_base):
        _sembrar(url)
        with servidor_metricas(url, workers=2) as srv:
            por_proceso: dict[str, dict] = {}
            limite = time.monotonic() + 30
            while len(por_proceso) < 2 and time.monotonic() < limite:
                # Conexión nueva: el kernel la da a un proceso; keep-alive: ambas al mismo.
                with httpx.Client(base_url=srv.url) as c:
                    pid = c.get("/prueba/pid").text
                    por_proceso[pid] = muestras(c.get("/metrics").text)
            assert len(por_proceso) == 2, "solo respondió un proceso"
            a, b = por_proceso.values()
            sin_reloj = [{k: v for k, v in x.items() if "antigua" not in k[0]} for x in (a, b)]
            assert sin_reloj[0] == sin_reloj[1]
            assert (
                valor(a, "turnos_atendidos_total", centro="prueba", tramite="B", origen="cita") == 1
            )


@pytest.mark.lento
def test_prometheus_real_raspa_y_responde_promql(tmp_path) -> None:
    binario = shutil.which("prometheus") or "/usr/bin/prometheus"
    if not Path(binario).exists():
        omitir("falta el servidor Prometheus (apt-get install prometheus)")
    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    _sembrar(url)
    with servidor_metricas(url) as srv:
        puerto = puerto_libre()
        objetivo = srv.url.removeprefix("http://")
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(MONITOREO / "alertas.yml")],
            "scrape_configs": [{"job_name": "turnos", "static_configs": [{"targets": [objetivo]}]}],
        }
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
        datos = tempfile.mkdtemp(dir=tmp_path)
        proceso = subprocess.Popen(
            [
                binario,
                f"--config.file={tmp_path / 'prometheus.yml'}",
                f"--storage.tsdb.path={datos}",
                f"--web.listen-address=127.0.0.1:{puerto}",
                "--log.level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            api = f"http://127.0.0.1:{puerto}/api/v1/query"
            consulta = "sum by (tramite) (turnos_atendidos_total{centro='prueba'})"
            resultado: dict[str, float] = {}
            limite = time.monotonic() + 40
            while time.monotonic() < limite and resultado != ESPERADO:
                time.sleep(0.5)
                try:
                    r = httpx.get(api, params={"query": consulta}, timeout=2).json()
                except httpx.HTTPError:
                    continue
                resultado = {
                    x["metric"]["tramite"]: float(x["value"][1])
                    for x in r.get("data", {}).get("result", [])
                }
            assert resultado == ESPERADO, json.dumps(resultado)
            reglas = httpx.get(f"http://127.0.0.1:{puerto}/api/v1/rules", timeout=2).json()
            grupos = reglas["data"]["groups"]
            assert grupos and all(r["health"] != "err" for g in grupos for r in g["rules"])
        finally:
            proceso.terminate()
            try:
                proceso.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proceso.kill()


def test_reincorporado_se_cuenta_aparte_del_ausente(alm, centro, db_url) -> None:
    """Un contador no baja: la ausencia deshecha se cuenta en `turnos_reincorporados_total`, y
    ausentes − reincorporados da los que de verdad no se presentaron."""
    from tests.integration.test_ventanilla_pulido import _ausente, abrir
    from turnos.servicios import ausencia

    olvidar_cache()
    abrir(alm, centro, 1)
    _ausente(alm, centro)
    ausencia.reincorporar(alm, "prueba", 1, centro.staff[0], minutos(4))
    app = crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: minutos(10))
    with TestClient(app) as cliente:
        m = muestras(cliente.get("/metrics").text)
    etiquetas = {"centro": "prueba", "tramite": "A", "origen": "kiosco"}
    assert valor(m, "turnos_ausentes_total", **etiquetas) == 1
    assert valor(m, "turnos_reincorporados_total", **etiquetas) == 1

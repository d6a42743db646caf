"""Archivos de monitoreo: las reglas pasan `promtool check rules` y cada métrica que nombran
el tablero de Grafana y las alertas existe en la salida real de /metrics."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from starlette.testclient import TestClient

from tests.conftest import minutos, omitir
from tests.e2e.test_prometheus import MONITOREO
from tests.integration.test_metricas_kpis import escenario
from turnos.servicios import emision, ventanillas
from turnos.settings import Settings
from turnos.web.app import crear_app

_NOMBRE = re.compile(r"\b((?:turnos|process)_[a-z0-9_]+)")
_SUFIJOS = ("_bucket", "_sum", "_count", "_total")


def _consultas() -> list[str]:
    tablero = json.loads((MONITOREO / "grafana.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in tablero["panels"] for t in p["targets"]]
    exprs.append(tablero["templating"]["list"][0]["query"]["query"])
    reglas = yaml.safe_load((MONITOREO / "alertas.yml").read_text(encoding="utf-8"))
    exprs += [r["expr"] for g in reglas["groups"] for r in g["rules"]]
    return exprs


def test_promtool_check_rules() -> None:
    if shutil.which("promtool") is None:
        omitir("falta promtool (apt-get install prometheus)")
    r = subprocess.run(
        ["promtool", "check", "rules", str(MONITOREO / "alertas.yml")],
        capture_output=True,
        timeout=30,
    )
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()


def test_consultas_nombran_metricas_existentes(alm, centro, db_url) -> None:
    escenario(alm, centro)
    # Una fila con ventanilla abierta: así sale también el P90 previsto (alerta intradía).
    ventanillas.cambiar_estado(alm, "prueba", 2, "abierta", centro.staff[1], minutos(128))
    emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(129))
    app = crear_app(Settings(db=db_url, secreto="x"), reloj=lambda: minutos(130))
    with TestClient(app) as cliente:
        texto = cliente.get("/metrics").text
    expuestas = set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)", texto, re.MULTILINE))
    nombradas = {n for e in _consultas() for n in _NOMBRE.findall(e)}
    assert {"turnos_espera_seconds_bucket", "turnos_en_espera"} <= nombradas
    faltan = {n for n in nombradas if n not in expuestas}
    assert not faltan, f"métricas que no existen en /metrics: {faltan}"
    assert Path(MONITOREO / "grafana.json").stat().st_size > 0 and _SUFIJOS


_PRUEBA_PREVISTA = """
rule_files: [{reglas}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'turnos_espera_p90_prevista_seconds{{centro="c1",tramite="A"}}'
        values: '2400x20'
      - series: 'turnos_espera_maxima_seconds{{centro="c1",tramite="A"}}'
        values: '1800x20'
      - series: 'turnos_espera_p90_prevista_seconds{{centro="c1",tramite="B"}}'
        values: '120x20'
      - series: 'turnos_espera_maxima_seconds{{centro="c1",tramite="B"}}'
        values: '1800x20'
      - series: 'turnos_espera_p90_prevista_seconds{{centro="c2",tramite="A"}}'
        values: '2400x20'
    alert_rule_test:
      - eval_time: 3m
        alertname: TurnosEsperaPrevistaSobreMeta
        exp_alerts: []
      - eval_time: 10m
        alertname: TurnosEsperaPrevistaSobreMeta
        exp_alerts:
          - exp_labels: {{severity: warning, centro: c1, tramite: A}}
            exp_annotations:
              summary: "c1: abra una ventanilla más para A"
              description: "Quien acaba de llegar podría esperar hasta 40m 0s, más que la espera máxima del trámite."
"""


def test_promtool_test_rules_alerta_de_espera_prevista(tmp_path) -> None:
    """Dispara para A en c1 (P90 previsto 40 min > meta 30 min, sostenido 5 min); no para B
    (P90 de 2 min: una ventanilla libre lo llama ya) ni para c2 (trámite sin meta)."""
    assert shutil.which("promtool"), "promtool es parte del entorno de pruebas"
    prueba = tmp_path / "prueba.yml"
    reglas = json.dumps(str(MONITOREO / "alertas.yml"))
    prueba.write_text(_PRUEBA_PREVISTA.format(reglas=reglas), encoding="utf-8")
    r = subprocess.run(["promtool", "test", "rules", str(prueba)], capture_output=True, timeout=30)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    # Y falla si la regla se invierte (la prueba puede fallar de verdad).
    malo = prueba.read_text(encoding="utf-8").replace("exp_alerts: []", "exp_alerts: [{}]")
    prueba.write_text(malo, encoding="utf-8")
    r = subprocess.run(["promtool", "test", "rules", str(prueba)], capture_output=True, timeout=30)
    assert r.returncode != 0

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
from turnos.settings import Settings
from turnos.web.app import crear_app

_NOMBRE = re.compile(r"\b((?:turnos|process)_[a-z_]+)")
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
    app = crear_app(Settings(db=db_url, secreto="x"), reloj=lambda: minutos(130))
    with TestClient(app) as cliente:
        texto = cliente.get("/metrics").text
    expuestas = set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)", texto, re.MULTILINE))
    nombradas = {n for e in _consultas() for n in _NOMBRE.findall(e)}
    assert {"turnos_espera_seconds_bucket", "turnos_en_espera"} <= nombradas
    faltan = {n for n in nombradas if n not in expuestas}
    assert not faltan, f"métricas que no existen en /metrics: {faltan}"
    assert Path(MONITOREO / "grafana.json").stat().st_size > 0 and _SUFIJOS

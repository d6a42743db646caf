"""/metrics publica la precisión del estimador (back-test del día anterior), válida para
promtool y sin datos personales."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import AHORA
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, emision, ventanillas

AYER = AHORA - timedelta(days=1)


def _en(minutos):
    return AYER + timedelta(minutes=minutos)


def test_metrics_publica_mae_y_cobertura_de_ayer(alm, centro, cliente):
    v = centro.staff[0]
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", v, AYER)
    for i in range(2):
        emision.emitir(alm, "prueba", "A", centro.kiosco, _en(1 + i), nombre="Persona Secreta")
    atencion.llamar(alm, "prueba", 1, v, _en(1))
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, _en(11))
    atencion.llamar(alm, "prueba", 1, v, _en(11))
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, _en(20))
    emision.emitir(alm, "prueba", "B", centro.kiosco, AHORA)  # hoy: aún no se evalúa
    texto = cliente.get("/metrics").text
    valores = {
        (m.name, m.labels["centro"], m.labels["tramite"]): m.value
        for familia in text_string_to_metric_families(texto)
        for m in familia.samples
        if m.name.startswith("turnos_eta_")
    }
    # Mismo día que tests/integration/test_eta_evaluar.py: errores 0 y +84 s.
    assert abs(valores[("turnos_eta_error_absoluto_medio_seconds", "prueba", "A")] - 42) <= 1
    assert valores[("turnos_eta_cobertura_ratio", "prueba", "A")] == 1.0
    assert {k[2] for k in valores} == {"A"}
    assert "# TYPE turnos_eta_cobertura_ratio gauge" in texto
    assert "Persona Secreta" not in texto
    assert shutil.which("promtool"), "promtool es parte del entorno de pruebas"
    r = subprocess.run(
        ["promtool", "check", "metrics"], input=texto.encode(), capture_output=True, timeout=30
    )
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()

"""/metrics lleva turnos_citas_total{centro,tramite,estado} (por Capacidad.metricas), válido
para promtool y sin datos personales."""

from __future__ import annotations

import shutil
import subprocess

from prometheus_client.parser import text_string_to_metric_families

from citas import reservas
from tests.citas_apoyo import con_agenda, curp, datos
from tests.conftest import AHORA


def test_metrics_cuenta_citas_por_estado(alm, centro, cliente):
    con_agenda(alm, centro)
    a = reservas.crear(alm, "prueba", datos(1), AHORA)
    reservas.crear(alm, "prueba", datos(2), AHORA)
    reservas.crear(alm, "prueba", datos(3, tramite="B"), AHORA)
    reservas.cancelar(alm, a["token"], AHORA)
    texto = cliente.get("/metrics").text
    cuentas = {
        (m.labels["centro"], m.labels["tramite"], m.labels["estado"]): m.value
        for familia in text_string_to_metric_families(texto)
        for m in familia.samples
        if m.name == "turnos_citas_total"
    }
    assert cuentas[("prueba", "A", "agendada")] == 2
    assert cuentas[("prueba", "A", "cancelada")] == 1
    assert cuentas[("prueba", "B", "agendada")] == 1
    assert cuentas[("prueba", "B", "registrada")] == 0
    assert "# TYPE turnos_citas_total counter" in texto
    assert curp(1) not in texto and "Persona" not in texto
    if shutil.which("promtool"):
        r = subprocess.run(
            ["promtool", "check", "metrics"], input=texto.encode(), capture_output=True, timeout=30
        )
        assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()

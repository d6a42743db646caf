"""`turnos simular` contra un servidor real: la mañana simulada por HTTP queda en /metrics."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from metricas.simular import simular
from tests.conftest import sembrar_centro
from tests.e2e.test_metricas_apoyo import servidor_metricas
from tests.e2e.test_prometheus import muestras
from turnos.cli import main
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor


@pytest.mark.lento
def test_simulacion_por_la_api_se_ve_en_metrics(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(url)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    with servidor_metricas(url) as srv:
        r = simular(
            srv.url,
            "prueba",
            centro.kiosco_token,
            centro.jefe_token,
            minutos=90,
            segundos_por_minuto=0,
            semilla=5,
        )
        m = muestras(httpx.get(f"{srv.url}/metrics").text)
    assert r["errores"] == [] and r["emitidos"] > 50 and r["atendidos"] > 20
    total = {
        nombre: sum(v for (n, _), v in m.items() if n == nombre)
        for nombre in ("turnos_emitidos_total", "turnos_atendidos_total", "turnos_ausentes_total")
    }
    assert total["turnos_emitidos_total"] == r["emitidos"]
    assert total["turnos_atendidos_total"] == r["atendidos"]
    assert total["turnos_ausentes_total"] == r["ausentes"]
    # El «hecho cuando» del issue 13: tras `turnos simular`, `turnos eta evaluar` da las cifras.
    hoy = datetime.now(ZoneInfo("America/Mexico_City")).date()
    rc = main(["eta", "evaluar", "--db", url, "--centro", "prueba",
               "--desde", str(hoy - timedelta(days=1)), "--hasta", str(hoy)])  # fmt: skip
    salida = capsys.readouterr().out
    assert rc == 0, salida
    assert "MAE min" in salida and "base:" in salida and "cobert." in salida
    assert "A " in salida and "Estimaciones sin historia" in salida


@pytest.mark.lento
def test_simular_no_toma_ventanillas_ocupadas_y_cierra_lo_que_abrio(tmp_path) -> None:
    from sqlalchemy import text

    from tests.conftest import AHORA
    from turnos.servicios import atencion, emision, ventanillas

    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(url)
    migrar(motor)
    alm = Almacen(motor)
    centro = sembrar_centro(alm)
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    real = atencion.llamar(alm, "prueba", 1, centro.staff[0], AHORA)  # una persona real atiende
    with servidor_metricas(url) as srv:
        r = simular(
            srv.url,
            "prueba",
            centro.kiosco_token,
            centro.jefe_token,
            minutos=40,
            segundos_por_minuto=0,
            semilla=3,
        )
    with alm.lectura() as c:
        vents = {
            n: (e, u)
            for n, e, u in c.execute(text("SELECT numero, estado, usuario_id FROM ventanilla"))
        }
        activos = c.execute(
            text(
                "SELECT t.folio, t.usuario_id FROM turno t WHERE t.estado IN ('llamado', 'en_atencion')"
            )
        ).all()
    motor.dispose()
    assert r["errores"] == [] and r["atendidos"] > 0
    assert vents[1] == ("atendiendo", centro.staff[0].id)  # la de la persona real, intacta
    assert all(estado == "cerrada" and u is None for n, (estado, u) in vents.items() if n != 1)
    assert [(f.folio, f.usuario_id) for f in activos] == [(real["folio"], centro.staff[0].id)]

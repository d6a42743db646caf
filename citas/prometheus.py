"""`turnos_citas_total{centro,tramite,estado}` para /metrics (por `Capacidad.metricas`).

Contador monótono leído de la BD en cada scrape (correcto con varios procesos): cada cita cuenta
en «agendada» al crearse, en «registrada» si llegó (aunque luego se atienda) y en su estado final
si terminó cancelada, no presentada o atendida. Sin datos personales en las etiquetas.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text

from turnos.db.almacen import Almacen

_CUENTAS = text(
    "SELECT c.slug, tr.clave, count(*) AS agendada,"
    " sum(CASE WHEN ci.registrado_ms IS NOT NULL THEN 1 ELSE 0 END) AS registrada,"
    " sum(CASE WHEN ci.estado = 'atendida' THEN 1 ELSE 0 END) AS atendida,"
    " sum(CASE WHEN ci.estado = 'cancelada' THEN 1 ELSE 0 END) AS cancelada,"
    " sum(CASE WHEN ci.estado = 'no_presentada' THEN 1 ELSE 0 END) AS no_presentada"
    " FROM cita ci JOIN centro c ON c.id = ci.centro_id JOIN tramite tr ON tr.id = ci.tramite_id"
    " GROUP BY c.slug, tr.clave ORDER BY c.slug, tr.clave"
)
ESTADOS = ("agendada", "registrada", "atendida", "cancelada", "no_presentada")


class _Citas(Collector):
    def __init__(self, alm: Almacen) -> None:
        self.alm = alm

    def collect(self) -> Iterator[CounterMetricFamily]:
        familia = CounterMetricFamily(
            "turnos_citas",
            "Citas por centro, trámite y estado alcanzado (agendada, registrada, atendida,"
            " cancelada, no_presentada)",
            labels=["centro", "tramite", "estado"],
        )
        with self.alm.lectura() as conn:
            for fila in conn.execute(_CUENTAS):
                for estado in ESTADOS:
                    familia.add_metric([fila.slug, fila.clave, estado], int(getattr(fila, estado)))
        yield familia


def exposicion(alm: Almacen) -> bytes:
    registro = CollectorRegistry(auto_describe=False)
    registro.register(_Citas(alm))
    return bytes(generate_latest(registro))

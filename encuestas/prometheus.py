"""`turnos_encuesta_respuestas_total{centro,tramite,calificacion}` y
`turnos_encuesta_abiertas_total{centro,tramite}` para /metrics (por `Capacidad.metricas`).

Contadores leídos de la BD en cada scrape (correctos con varios procesos y tras reinicios). Sin
etiqueta de personal ni de ventanilla: nada que señale a una persona.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text

from turnos.db.almacen import Almacen

_CUENTAS = text(
    "SELECT c.slug, tr.clave, e.calificacion, count(*) AS n FROM encuesta e"
    " JOIN centro c ON c.id = e.centro_id JOIN tramite tr ON tr.id = e.tramite_id"
    " GROUP BY c.slug, tr.clave, e.calificacion ORDER BY c.slug, tr.clave, e.calificacion"
)


class _Encuestas(Collector):
    def __init__(self, alm: Almacen) -> None:
        self.alm = alm

    def collect(self) -> Iterator[CounterMetricFamily]:
        respuestas = CounterMetricFamily(
            "turnos_encuesta_respuestas",
            "Respuestas de la encuesta de satisfacción por centro, trámite y calificación (1 a 5)",
            labels=["centro", "tramite", "calificacion"],
        )
        abiertas = CounterMetricFamily(
            "turnos_encuesta_abiertas",
            "Encuestas abiertas (una por turno atendido) por centro y trámite",
            labels=["centro", "tramite"],
        )
        totales: dict[tuple[str, str], int] = {}
        with self.alm.lectura() as conn:
            for f in conn.execute(_CUENTAS):
                totales[(f.slug, f.clave)] = totales.get((f.slug, f.clave), 0) + int(f.n)
                if f.calificacion is not None:
                    respuestas.add_metric([f.slug, f.clave, str(f.calificacion)], int(f.n))
        for (slug, clave), n in sorted(totales.items()):
            abiertas.add_metric([slug, clave], n)
        yield respuestas
        yield abiertas


def exposicion(alm: Almacen) -> bytes:
    registro = CollectorRegistry(auto_describe=False)
    registro.register(_Encuestas(alm))
    return bytes(generate_latest(registro))

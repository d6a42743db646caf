"""Las cifras de /metrics como Collector de prometheus_client (p. ej. para otro registro): lee
el mismo `EstadoMetricas` que el texto de exposición."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from metricas.prometheus import _AYUDA_MEDIDOR, CONTADORES, CUBETAS, HISTOGRAMAS, EstadoMetricas


class ColectorTurnos:
    """Las mismas cifras como Collector de prometheus_client (p. ej. para otro registro)."""

    def __init__(self, estado: EstadoMetricas) -> None:
        self.estado = estado

    def collect(self) -> Iterator[Metric]:
        with self.estado._candado:
            yield from self._familias()

    def _familias(self) -> Iterator[Metric]:
        e = self.estado
        m = e.actualizar()
        for nombre, ayuda in HISTOGRAMAS:
            h = HistogramMetricFamily(
                f"turnos_{nombre}_seconds", ayuda, labels=["centro", "tramite"]
            )
            for c in e.centros.values():
                for (reloj, tid), v in sorted(c.hist.items()):
                    if reloj == nombre:
                        cubetas = [
                            (str(float(b)), n) for b, n in zip(CUBETAS, v.cubetas, strict=True)
                        ]
                        h.add_metric(
                            [c.slug, e.tramites[tid].clave], [*cubetas, ("+Inf", v.total)], v.suma
                        )
            yield h
        for i, (nombre, _, ayuda) in enumerate(CONTADORES):
            cm = CounterMetricFamily(
                f"turnos_{nombre}", ayuda, labels=["centro", "tramite", "origen"]
            )
            for c in e.centros.values():
                for (tid, origen), valores in sorted(c.contadores.items()):
                    cm.add_metric([c.slug, e.tramites[tid].clave, origen], valores[i])
            yield cm
        fallas = CounterMetricFamily(
            "turnos_impresiones_fallidas", "Tickets cuya impresión falló.", labels=["centro"]
        )
        for c in e.centros.values():
            fallas.add_metric([c.slug], c.impresiones)
        yield fallas
        for familia, filas in e.filas_medidores(m).items():
            g = GaugeMetricFamily(familia, _AYUDA_MEDIDOR[familia], labels=_etiquetas(filas))
            for etiquetas, valor in filas:
                g.add_metric(list(etiquetas.values()), valor)
            yield g


def _etiquetas(filas: list[tuple[dict[str, str], float]]) -> list[str]:
    return list(filas[0][0]) if filas else ["centro"]

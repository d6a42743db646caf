"""Resumir por adelantado: los días cerrados a `kpi_dia`, la bitácora a `metricas_acumulado` y
la precisión de la ETA de ayer a `metricas_eta_dia`, para que ni el primer reporte ni el primer
scrape recorran datos crudos.

`precalentar` lo hace en un hilo al arrancar (metricas/servicio.py); `resumir` es lo mismo para
un centro y un periodo, desde la CLI (`turnos metricas resumir`), p. ej. tras cargar datos
históricos. Ambos son idempotentes: lo ya resumido se lee, no se recalcula.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from metricas import acumulado, consultas, eta_metricas, kpis
from turnos.dominio.numeracion import dia_local
from turnos.servicios import consultas as nucleo

LOTE_DIAS = 31  # días por lectura: acota lo que una lectura retiene la BD


def precalentar(alm: Any, ahora: Any, dias: int = 62) -> int:
    """Resume los días cerrados recientes de cada centro: el primer reporte mensual ya no paga el
    cálculo en frío. Antes, la precisión de la ETA de ayer que /metrics publica (lo que más pesa
    en el primer scrape). Devuelve cuántos días quedaron guardados."""
    eta_metricas.guardar_ayer(alm, ahora)
    with alm.lectura() as conn:
        centros = conn.execute(text("SELECT id, zona FROM centro WHERE activo = true")).all()
    guardados = 0
    for cid, zona in centros:
        hoy = dia_local(ahora, zona)
        for k in range(dias, 0, -1):
            with alm.lectura() as conn:  # una lectura corta por día: no retiene la BD
                guardados += consultas.dia_con_cache(
                    alm.motor, conn, cid, zona, hoy - timedelta(days=k), hoy
                ).final
    return guardados


def resumir(
    alm: Any,
    slug: str,
    desde: date,
    hasta: date,
    ahora: Any,
    progreso: Callable[[date, date, int], None] | None = None,
) -> tuple[int, int]:
    """Resume los días de `desde` a `hasta` del centro (en lotes de `LOTE_DIAS`) y deja al día los
    acumulados de /metrics. Devuelve (días cerrados guardados, días abiertos que aún pueden
    cambiar). `progreso(inicio, fin, cerrados)` se llama tras cada lote. También guarda la
    precisión de la ETA de ayer del centro, si falta."""
    with alm.lectura() as conn:
        c = nucleo.centro(conn, slug)
    hoy = dia_local(ahora, c.zona)
    dias = kpis.dias_entre(desde, hasta)
    cerrados = abiertos = 0
    for i in range(0, len(dias), LOTE_DIAS):
        lote = dias[i : i + LOTE_DIAS]
        with alm.lectura() as conn:
            res = consultas.resumenes(alm.motor, conn, c.id, c.zona, lote, hoy)
        n = sum(r.final for r in res)
        cerrados, abiertos = cerrados + n, abiertos + len(res) - n
        if progreso is not None:
            progreso(lote[0], lote[-1], n)
    from metricas.prometheus import EstadoMetricas

    estado = EstadoMetricas(alm, lambda: ahora)
    estado.actualizar()  # parte de lo guardado y lee la bitácora que falte
    acumulado.guardar_si_toca(estado, forzar=True)
    eta_metricas.guardar_ayer(alm, ahora, slug, forzar=True)  # pudo cargarse historia de ayer
    return cerrados, abiertos

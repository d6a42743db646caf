"""Arranque de métricas: en segundo plano, precalienta el colector de Prometheus y resume los
días cerrados (resumen.precalentar, que los guarda en kpi_dia); luego repite el resumen cada
`PERIODO_S`, así el reporte de un mes nunca recorre el mes entero."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from metricas import acumulado, prometheus, resumen

log = logging.getLogger("turnos.metricas")
PERIODO_S = 15 * 60


async def iniciar(app: Any) -> None:
    async def precalentar() -> None:
        try:
            await asyncio.to_thread(prometheus.precalentar, app)
        except Exception:  # noqa: BLE001 - solo acelera; si falla, se calcula al pedirlo
            log.warning("no se pudo precalentar /metrics", exc_info=True)
        while True:
            try:
                await asyncio.to_thread(resumen.precalentar, app.state.alm, app.state.reloj())
            except Exception:  # noqa: BLE001
                log.warning("no se pudieron resumir los días cerrados", exc_info=True)
            await asyncio.sleep(PERIODO_S)

    app.state.precalentado = asyncio.create_task(precalentar())


async def detener(app: Any) -> None:
    tarea = getattr(app.state, "precalentado", None)
    if tarea is not None and not tarea.done():
        tarea.cancel()
    exp = getattr(app.state, "metricas_exportador", None)
    if exp is not None:  # lo leído de la bitácora queda guardado para el próximo arranque
        try:
            await asyncio.to_thread(acumulado.guardar_si_toca, exp.estado, True)
        except Exception:  # noqa: BLE001 - solo acelera el próximo arranque
            log.warning("no se guardaron los acumulados de /metrics", exc_info=True)

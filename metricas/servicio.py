"""Arranque de métricas: precalienta en segundo plano los agregados que el primer scrape y el
primer reporte mensual leerían de golpe (ver prometheus.precalentar y consultas.precalentar)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from metricas import consultas, prometheus

log = logging.getLogger("turnos.metricas")


async def iniciar(app: Any) -> None:
    async def precalentar() -> None:
        try:
            await asyncio.to_thread(prometheus.precalentar, app)
            await asyncio.to_thread(consultas.precalentar, app.state.alm, app.state.reloj())
        except Exception:  # noqa: BLE001 - solo acelera; si falla, se calcula al pedirlo
            log.warning("no se pudieron precalentar las métricas", exc_info=True)

    app.state.precalentado = asyncio.create_task(precalentar())


async def detener(app: Any) -> None:
    tarea = getattr(app.state, "precalentado", None)
    if tarea is not None and not tarea.done():
        tarea.cancel()

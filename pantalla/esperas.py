"""Espera estimada por trámite en la pantalla de sala, por push junto con los eventos.

La pantalla pide ``?esperas=1`` en su websocket; tras el snapshot y tras cada evento (o latido)
recibe ``{"tipo": "esperas", "esperas": {clave: texto}}`` si cambió. El cálculo es del núcleo
(`turnos.servicios.espera_sala`, con el estimador de `llamar`); aquí solo se guarda en caché
por centro: una estimación por trámite por evento (``seq``) para todas las pantallas a la vez,
y a lo más cada ``VIGENCIA_S`` si no hay eventos (el rango se mueve con el reloj).
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool

from turnos.db.almacen import Almacen
from turnos.servicios import espera_sala

VIGENCIA_S = 60.0
PASO_MIN = 5
SIN_ESTIMACION = "Sin estimación"


def texto_espera(rango: dict[str, int] | None) -> str:
    """{"min_s", "max_s"} → «10 a 25 min» (múltiplos de 5, nunca se promete de más)."""
    if not rango:
        return SIN_ESTIMACION
    minimo = math.floor(rango["min_s"] / 60 / PASO_MIN) * PASO_MIN
    maximo = max(math.ceil(rango["max_s"] / 60 / PASO_MIN) * PASO_MIN, minimo + PASO_MIN)
    return f"Espera: {minimo} a {maximo} min"


class EsperasSala:
    """Caché por centro del mensaje de esperas: (seq, momento, texto JSON)."""

    def __init__(self, alm: Almacen, reloj: Callable[[], datetime]) -> None:
        self.alm, self.reloj = alm, reloj
        self._guardado: dict[str, tuple[int, float, str]] = {}
        self._candados: dict[str, asyncio.Lock] = {}
        self.calculos = 0  # cuántas veces se estimó (pruebas y diagnóstico)

    def _vigente(self, centro: str, seq: int, ahora: float) -> str | None:
        g = self._guardado.get(centro)
        if g is not None and g[0] >= seq and ahora - g[1] < VIGENCIA_S:
            return g[2]
        return None

    async def mensaje(self, centro: str, seq: int) -> str:
        ahora = asyncio.get_running_loop().time()
        if (texto := self._vigente(centro, seq, ahora)) is not None:
            return texto
        async with self._candados.setdefault(centro, asyncio.Lock()):
            ahora = asyncio.get_running_loop().time()
            if (texto := self._vigente(centro, seq, ahora)) is not None:
                return texto  # otra pantalla ya lo calculó mientras se esperaba
            rangos = await run_in_threadpool(espera_sala.leer, self.alm, centro, self.reloj())
            self.calculos += 1
            datos: dict[str, Any] = {
                "tipo": "esperas",
                "esperas": {clave: texto_espera(r) for clave, r in rangos.items()},
            }
            texto = json.dumps(datos, ensure_ascii=False, separators=(",", ":"))
            self._guardado[centro] = (seq, ahora, texto)
            return texto


def de_app(app: Any, alm: Almacen, reloj: Callable[[], datetime]) -> EsperasSala:
    """La caché única de la app (todas las pantallas la comparten)."""
    esperas: EsperasSala | None = getattr(app.state, "esperas_sala", None)
    if esperas is None:
        esperas = EsperasSala(alm, reloj)
        app.state.esperas_sala = esperas
    return esperas


Extra = Callable[[int], Awaitable[str]]

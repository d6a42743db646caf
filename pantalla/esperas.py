"""Espera estimada por trámite en la pantalla de sala, por push junto con los eventos.

La pantalla pide ``?esperas=1`` en su websocket y recibe ``{"tipo": "esperas", "esperas":
{clave: texto}}`` cada vez que cambia. El cálculo es del núcleo (`turnos.servicios.espera_sala`,
con el estimador de `llamar`); aquí solo se guarda en caché por centro: una estimación por
trámite por evento (``seq``) para todas las pantallas a la vez (una ráfaga de eventos se junta
en un cálculo), y a lo más cada ``VIGENCIA_S`` si no hay eventos (el rango se mueve con el
reloj). El cálculo corre aparte: los llamados nunca esperan a la estimación.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool

from turnos.db.almacen import Almacen
from turnos.servicios import espera_sala

log = logging.getLogger(__name__)

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


@dataclass
class _Centro:
    texto: str | None = None  # el último mensaje calculado
    seq: int = -1  # hasta qué evento está al día
    momento: float = -math.inf
    pedido: int = -1  # el evento más nuevo que alguien pidió
    tarea: asyncio.Task[None] | None = None
    avisar: list[Callable[[], None]] = field(default_factory=list)


class EsperasSala:
    """Caché por centro del mensaje de esperas, sin frenar el reparto de eventos.

    ``mensaje`` nunca espera al cálculo: devuelve lo que hay (o None) y, si está viejo, lanza
    UN cálculo en segundo plano (los eventos que llegan mientras tanto se juntan en el
    siguiente) y al terminar avisa a quien lo pidió (la sesión mete una marca en su cola).
    """

    def __init__(self, alm: Almacen, reloj: Callable[[], datetime]) -> None:
        self.alm, self.reloj = alm, reloj
        self._centros: dict[str, _Centro] = {}
        self.calculos = 0  # cuántas veces se estimó (pruebas y diagnóstico)

    def mensaje(self, centro: str, seq: int, avisar: Callable[[], None]) -> str | None:
        st = self._centros.setdefault(centro, _Centro())
        ahora = asyncio.get_running_loop().time()
        if st.seq >= seq and ahora - st.momento < VIGENCIA_S:
            return st.texto
        st.pedido = max(st.pedido, seq)
        st.avisar.append(avisar)
        if st.tarea is None or st.tarea.done():
            st.tarea = asyncio.create_task(self._calcular(centro, st))
        return st.texto

    async def terminar(self, centro: str) -> None:
        """Espera el cálculo en curso de un centro, si hay (pruebas y apagado)."""
        st = self._centros.get(centro)
        if st is not None and st.tarea is not None:
            await st.tarea

    async def _calcular(self, centro: str, st: _Centro) -> None:
        while True:
            objetivo = st.pedido
            try:
                rangos = await run_in_threadpool(espera_sala.leer, self.alm, centro, self.reloj())
            except Exception:
                log.exception("no se pudo estimar la espera de %s", centro)
                rangos = None
            self.calculos += 1
            if rangos is not None:
                datos: dict[str, Any] = {
                    "tipo": "esperas",
                    "esperas": {clave: texto_espera(r) for clave, r in rangos.items()},
                }
                st.texto = json.dumps(datos, ensure_ascii=False, separators=(",", ":"))
                st.seq, st.momento = objetivo, asyncio.get_running_loop().time()
            avisar, st.avisar = st.avisar, []
            for a in avisar:
                a()
            if rangos is None or st.pedido <= objetivo:
                return


def de_app(app: Any, alm: Almacen, reloj: Callable[[], datetime]) -> EsperasSala:
    """La caché única de la app (todas las pantallas la comparten)."""
    esperas: EsperasSala | None = getattr(app.state, "esperas_sala", None)
    if esperas is None:
        esperas = EsperasSala(alm, reloj)
        app.state.esperas_sala = esperas
    return esperas

"""Exactitud publicada del estimador de espera: el back-test (`turnos.servicios.retro`) por día
y trámite, para el tablero (la de ayer, junto al KPI de espera) y los datos abiertos.

Un día ya cerrado no cambia: cada (centro, día) se calcula una vez por proceso y base de datos.
Con menos de `MINIMO` esperas puntuadas en el día, la fila no se publica (no revelaría la espera
de una persona, pero tampoco sería una cifra que valga la pena leer).
"""

from __future__ import annotations

import threading
import weakref
from datetime import date, timedelta
from typing import Any

from turnos.servicios import retro

MINIMO = 3
TABLA = "precision_estimador"
TITULOS = {TABLA: "Exactitud de la espera estimada (back-test por día y trámite)"}

_Filas = list[dict[str, Any]]
_cache: weakref.WeakKeyDictionary[Any, dict[tuple[str, date], _Filas]] = weakref.WeakKeyDictionary()
_candado = threading.Lock()


def _dia(alm: Any, slug: str, dia: date) -> _Filas:
    with _candado:
        propias = _cache.setdefault(alm.motor, {})
        if (slug, dia) in propias:
            return propias[(slug, dia)]
    res, claves = retro.evaluar_centro(alm, slug, dia, dia)
    filas = []
    for tid, p in sorted(res.estimador.items(), key=lambda x: claves.get(x[0], x[0])):
        if tid == "*" or len(p.errores) < MINIMO:
            continue
        e, b = p.resumen(), res.base[tid].resumen()
        filas.append(
            {
                "fecha": dia.isoformat(),
                "centro": slug,
                "tramite_clave": claves.get(tid, tid),
                "esperas_evaluadas": int(e["n"]),
                "eta_mae_min": round(e["mae_s"] / 60, 2),
                "eta_sesgo_min": round(e["sesgo_s"] / 60, 2),
                "eta_cobertura": round(e["cobertura"], 4),
                "base_mae_min": round(b["mae_s"] / 60, 2),
            }
        )
    with _candado:
        _cache.setdefault(alm.motor, {})[(slug, dia)] = filas
    return filas


def por_dia(alm: Any, slug: str, desde: date, hasta: date) -> _Filas:
    """Filas (fecha, trámite) del periodo, de días ya cerrados (quien llama lo asegura)."""
    filas: _Filas = []
    dia = desde
    while dia <= hasta:
        filas += _dia(alm, slug, dia)
        dia += timedelta(days=1)
    return filas


def de_ayer(alm: Any, slug: str, hoy: date) -> dict[str, dict[str, Any]]:
    """{clave de trámite: fila} del día anterior a `hoy` (para el tablero)."""
    return {f["tramite_clave"]: f for f in _dia(alm, slug, hoy - timedelta(days=1))}

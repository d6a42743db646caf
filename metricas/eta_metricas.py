"""Precisión publicada del estimador de espera en /metrics: el back-test del día anterior.

`turnos_eta_error_absoluto_medio_seconds{centro,tramite}` y `turnos_eta_cobertura_ratio`
(fracción de esperas dentro del rango mostrado; meta ≈ 0.8). Se calcula una vez por centro y día
local (en el proceso que atiende el scrape) con `turnos.servicios.retro`: la bitácora de ayer ya
no cambia, así que no hay nada que refrescar hasta mañana.

`turnos_espera_p90_prevista_seconds{centro,tramite}` (alerta intradía, issue 13 punto 4): el P90
de la espera prevista del último turno en la fila de cada trámite (`metricas.prevision`, la misma
cifra que alerta el tablero); se compara con `turnos_espera_maxima_seconds` en
`monitoreo/alertas.yml`. Se calcula en cada scrape; un trámite sin fila o sin estimación no sale.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from metricas import prevision
from turnos.dominio.numeracion import dia_local
from turnos.servicios import consultas, retro
from turnos.tiempo import a_ms

_CENTROS = text("SELECT slug, zona FROM centro WHERE activo = true ORDER BY slug")
_CLAVES = text("SELECT id, clave FROM tramite WHERE centro_id = :c")
_PREVISTA = "turnos_espera_p90_prevista_seconds"
_AYUDA = {
    "turnos_eta_error_absoluto_medio_seconds": (
        "Error absoluto medio de la espera estimada al emitir (back-test del día anterior), en segundos."
    ),
    "turnos_eta_cobertura_ratio": (
        "Fracción de esperas reales del día anterior dentro del rango mostrado (meta 0.8)."
    ),
}
_AYUDA_PREVISTA = (
    "P90 de la espera prevista del último turno en la fila del trámite (alerta intradía), en"
    " segundos."
)


def _esc(valor: str) -> str:
    return valor.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class PrecisionEta:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, date], list[tuple[str, float, float]]] = {}
        self._candado = threading.Lock()

    def filas(self, alm: Any, slug: str, ayer: date) -> list[tuple[str, float, float]]:
        """[(clave de trámite, MAE s, cobertura)] del back-test de `ayer`."""
        with self._candado:
            if (slug, ayer) not in self._cache:
                res, claves = retro.evaluar_centro(alm, slug, ayer, ayer)
                self._cache = {k: v for k, v in self._cache.items() if k[1] == ayer}
                self._cache[(slug, ayer)] = [
                    (claves.get(tid, tid), p.resumen()["mae_s"], p.resumen()["cobertura"])
                    for tid, p in sorted(res.estimador.items())
                    if tid != "*" and p.errores
                ]
            return self._cache[(slug, ayer)]

    def texto(self, alm: Any, ahora: Any) -> bytes:
        with alm.lectura() as conn:
            centros = conn.execute(_CENTROS).all()
        mae, cob = [], []
        for slug, zona in centros:
            ayer = dia_local(ahora, zona) - timedelta(days=1)
            for clave, error, cobertura in self.filas(alm, slug, ayer):
                e = f'centro="{_esc(slug)}",tramite="{_esc(clave)}"'
                mae.append(f"turnos_eta_error_absoluto_medio_seconds{{{e}}} {float(error)!r}\n")
                cob.append(f"turnos_eta_cobertura_ratio{{{e}}} {float(cobertura)!r}\n")
        partes = []
        for familia, filas in zip(_AYUDA, (mae, cob), strict=True):
            partes.append(f"# HELP {familia} {_AYUDA[familia]}\n# TYPE {familia} gauge\n")
            partes += filas
        return "".join(partes).encode() + prevista_texto(alm, ahora, [s for s, _ in centros])


def prevista_texto(alm: Any, ahora: Any, slugs: list[str]) -> bytes:
    """El medidor de la alerta intradía: sin folios ni nombres, solo centro y trámite."""
    ms = a_ms(ahora)
    filas = [f"# HELP {_PREVISTA} {_AYUDA_PREVISTA}\n# TYPE {_PREVISTA} gauge\n"]
    with alm.lectura() as conn:
        for slug in slugs:
            c = consultas.centro(conn, slug)
            claves = {f.id: f.clave for f in conn.execute(_CLAVES, {"c": c.id})}
            for tid, p90 in sorted(prevision.p90_prevista(conn, c.id, c.politica, ms).items()):
                e = f'centro="{_esc(slug)}",tramite="{_esc(str(claves[tid]))}"'
                filas.append(f"{_PREVISTA}{{{e}}} {float(p90)!r}\n")
    return "".join(filas).encode()

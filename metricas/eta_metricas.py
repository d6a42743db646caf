"""Precisión publicada del estimador de espera en /metrics: el back-test del día anterior.

`turnos_eta_error_absoluto_medio_seconds{centro,tramite}` y `turnos_eta_cobertura_ratio`
(fracción de esperas dentro del rango mostrado; meta ≈ 0.8). El back-test de ayer (50–150 ms por
centro) no se hace en el scrape: lo hace una vez por centro y día el trabajo en segundo plano
(`guardar_ayer`, desde metricas/resumen.py: al arrancar, cada 15 min y con `turnos metricas
resumir`) y lo guarda en `metricas_eta_dia`; el scrape solo lee. Mientras el de ayer no esté
guardado (p. ej. los primeros minutos tras la medianoche), se publica el último guardado.

`turnos_espera_p90_prevista_seconds{centro,tramite}` (alerta intradía, issue 13 punto 4): el P90
de la espera prevista del último turno en la fila de cada trámite (`metricas.prevision`, la misma
cifra que alerta el tablero); se compara con `turnos_espera_maxima_seconds` en
`monitoreo/alertas.yml`. Se calcula en cada scrape; un trámite sin fila o sin estimación no sale.
"""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from metricas import prevision
from turnos.dominio.numeracion import dia_local
from turnos.servicios import consultas, retro
from turnos.tiempo import a_ms

_CENTROS = text("SELECT id, slug, zona FROM centro WHERE activo = true ORDER BY slug")
VERSION = 1  # súbala si cambia el cálculo: lo guardado con otra versión se ignora
# La última precisión guardada de cada centro (la de ayer, salvo que aún no se calcule): una
# consulta por scrape, por la llave (centro, día). Se lee siempre, sin caché en memoria: la
# recalcula `turnos metricas resumir` tras cargar datos históricos, desde otro proceso.
_ULTIMAS = text(
    "SELECT e.centro_id, e.datos FROM metricas_eta_dia e WHERE e.version = :v AND e.dia = ("
    "SELECT max(d.dia) FROM metricas_eta_dia d WHERE d.centro_id = e.centro_id"
    " AND d.version = :v AND d.dia <= :tope)"
)
_GUARDADA = text(
    "SELECT 1 FROM metricas_eta_dia WHERE centro_id = :c AND dia = :d AND version = :v"
)
_Filas = list[tuple[str, float, float]]
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


def calcular(alm: Any, slug: str, dia: date) -> _Filas:
    """[(clave de trámite, MAE s, cobertura)] del back-test de `dia` (lo caro: recorre el día)."""
    res, claves = retro.evaluar_centro(alm, slug, dia, dia)
    return [
        (str(claves.get(tid, tid)), p.resumen()["mae_s"], p.resumen()["cobertura"])
        for tid, p in sorted(res.estimador.items())
        if tid != "*" and p.errores
    ]


def guardar_ayer(alm: Any, ahora: Any, slug: str | None = None, forzar: bool = False) -> int:
    """Calcula y guarda la precisión de ayer de cada centro activo (o solo de `slug`) que aún
    no la tenga (`forzar`: aunque la tenga, p. ej. tras cargar datos históricos). Devuelve
    cuántos centros calculó."""
    with alm.lectura() as conn:
        centros = [f for f in conn.execute(_CENTROS) if slug is None or f.slug == slug]
    calculados = 0
    for cid, slug_, zona in centros:
        ayer = dia_local(ahora, zona) - timedelta(days=1)
        llave = {"c": cid, "d": ayer.isoformat()}
        if not forzar:
            with alm.lectura() as conn:
                if conn.execute(_GUARDADA, {**llave, "v": VERSION}).first():
                    continue
        filas = calcular(alm, slug_, ayer)
        try:
            with alm.motor.begin() as conn:
                # Sin forzar solo se agrega (la de otro proceso gana); forzar reemplaza.
                borrar = "" if forzar else " AND version <> :v"
                conn.execute(
                    text(f"DELETE FROM metricas_eta_dia WHERE centro_id = :c AND dia = :d{borrar}"),
                    {**llave, "v": VERSION},
                )
                conn.execute(
                    text(
                        "INSERT INTO metricas_eta_dia (centro_id, dia, version, datos)"
                        " VALUES (:c, :d, :v, :x)"
                    ),
                    {"c": cid, "d": ayer.isoformat(), "v": VERSION, "x": json.dumps(filas)},
                )
        except IntegrityError:  # otro proceso la guardó primero: es la misma cifra
            pass
        calculados += 1
    return calculados


class PrecisionEta:
    """Lo que publica el scrape: la precisión guardada de ayer (o la última guardada)."""

    def __init__(self) -> None:
        self._leidas: dict[int, tuple[str, _Filas]] = {}  # por centro: (JSON, filas)
        self._candado = threading.Lock()

    def filas(self, conn: Any, tope: date) -> dict[int, _Filas]:
        """{centro: [(clave de trámite, MAE s, cobertura)]}: lo último guardado hasta `tope`."""
        r = {}
        with self._candado:
            for cid, datos in conn.execute(_ULTIMAS, {"v": VERSION, "tope": tope.isoformat()}):
                previa = self._leidas.get(cid)
                if previa is None or previa[0] != datos:  # solo se decodifica lo que cambió
                    previa = self._leidas[cid] = (datos, [tuple(f) for f in json.loads(datos)])
                r[cid] = previa[1]
        return r

    def texto(self, alm: Any, ahora: Any) -> bytes:
        mae, cob = [], []
        with alm.lectura() as conn:
            centros = conn.execute(_CENTROS).all()
            tope = max((dia_local(ahora, z) for _, _, z in centros), default=date.min)
            guardadas = self.filas(conn, tope - timedelta(days=1)) if centros else {}
            for cid, slug, _ in centros:
                for clave, error, cobertura in guardadas.get(cid, ()):
                    e = f'centro="{_esc(slug)}",tramite="{_esc(clave)}"'
                    mae.append(f"turnos_eta_error_absoluto_medio_seconds{{{e}}} {float(error)!r}\n")
                    cob.append(f"turnos_eta_cobertura_ratio{{{e}}} {float(cobertura)!r}\n")
        partes = []
        for familia, filas in zip(_AYUDA, (mae, cob), strict=True):
            partes.append(f"# HELP {familia} {_AYUDA[familia]}\n# TYPE {familia} gauge\n")
            partes += filas
        return "".join(partes).encode() + prevista_texto(alm, ahora, [s for _, s, _ in centros])


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

"""Consejo de dotación de un día: por hora y trámite, llegadas esperadas, atención media y las
ventanillas que recomienda Erlang C (`turnos.dominio.dotacion`) para la meta del centro.

- Llegadas esperadas: promedio de turnos emitidos (primer tramo) en esa hora local el mismo día
  de la semana de las `SEMANAS` semanas previas, sin los días inhábiles del centro.
- Atención media: las atenciones terminadas de esas semanas (de inicio a fin); sin historia, la
  meta del protocolo (`atencion_maxima_min`).
- Meta: `OBJETIVO` (80 %) de los turnos llamados dentro de la espera máxima del trámite
  (`META_POR_OMISION_S` si el trámite no tiene una).

Erlang C supone llegadas estacionarias en la hora y ventanillas dedicadas al trámite: con
ventanillas compartidas la suma por trámite es una cota superior (ver docs/KPIS.md).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from turnos.db.almacen import Almacen
from turnos.dominio.dotacion import recomendar
from turnos.servicios import consultas
from turnos.tiempo import a_ms, desde_ms

SEMANAS = 4
OBJETIVO = 0.8
META_POR_OMISION_S = 30 * 60

_TRAMITES = text(
    "SELECT id, clave, nombre, espera_maxima_min, atencion_maxima_min FROM tramite"
    " WHERE centro_id = :c AND activo = true ORDER BY clave"
)
_LLEGADAS = text(
    "SELECT tramite_id, en_cola_ms FROM turno WHERE centro_id = :c AND tramo = 1"
    " AND en_cola_ms >= :desde AND en_cola_ms < :hasta"
)
_ATENCION = text(
    "SELECT tramite_id, avg(fin_ms - inicio_ms) AS media FROM turno WHERE centro_id = :c"
    " AND inicio_ms IS NOT NULL AND fin_ms IS NOT NULL AND fin_ms > inicio_ms"
    " AND fin_ms >= :desde AND fin_ms < :hasta GROUP BY tramite_id"
)


def _dia_ms(dia: date, zona: str) -> tuple[int, int]:
    z = ZoneInfo(zona)
    return a_ms(datetime.combine(dia, time(), z)), a_ms(
        datetime.combine(dia + timedelta(days=1), time(), z)
    )


def plan(alm: Almacen, slug: str, fecha: date) -> dict[str, Any]:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        tramites = conn.execute(_TRAMITES, {"c": c.id}).all()
        semanas = [
            d
            for d in (fecha - timedelta(weeks=k) for k in range(1, SEMANAS + 1))
            if d.isoformat() not in c.inhabiles
        ]
        conteo: dict[tuple[int, int], int] = defaultdict(int)
        for d in semanas:
            ini, fin = _dia_ms(d, c.zona)
            for tid, ms in conn.execute(_LLEGADAS, {"c": c.id, "desde": ini, "hasta": fin}):
                conteo[(tid, desde_ms(ms, c.zona).hour)] += 1
        ini, _ = _dia_ms(fecha - timedelta(weeks=SEMANAS), c.zona)
        fin, _ = _dia_ms(fecha, c.zona)
        medias = {
            f.tramite_id: float(f.media) / 1000
            for f in conn.execute(_ATENCION, {"c": c.id, "desde": ini, "hasta": fin})
        }
    horas = []
    for hora in sorted({h for _, h in conteo}):
        filas = []
        for tr in tramites:
            llegadas = conteo.get((tr.id, hora), 0) / len(semanas) if semanas else 0.0
            aht = medias.get(tr.id) or float(tr.atencion_maxima_min or 0) * 60
            if not llegadas or not aht:
                continue
            meta_s = float(tr.espera_maxima_min or 0) * 60 or META_POR_OMISION_S
            r = recomendar(llegadas, aht, meta_s, OBJETIVO)
            filas.append(
                {
                    "tramite": tr.clave,
                    "tramite_nombre": tr.nombre,
                    "llegadas": round(llegadas, 2),
                    "atencion_media_s": round(aht),
                    "meta_s": round(meta_s),
                    "ventanillas": r.ventanillas,
                    "nivel_servicio": round(r.nivel_servicio, 4),
                    "ocupacion": round(r.ocupacion, 4),
                }
            )
        if filas:
            horas.append(
                {
                    "hora": f"{hora:02d}:00",
                    "tramites": filas,
                    "ventanillas": sum(f["ventanillas"] for f in filas),
                }
            )
    return {
        "centro": c.slug,
        "fecha": fecha.isoformat(),
        "objetivo": OBJETIVO,
        "semanas": [d.isoformat() for d in semanas],
        "horas": horas,
    }

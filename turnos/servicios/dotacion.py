"""Consejo de dotación de un día: por hora y trámite, llegadas esperadas, atención media y las
ventanillas que recomienda Erlang C (`turnos.dominio.dotacion`) para la meta del centro.

- Llegadas esperadas: promedio de turnos emitidos (primer tramo) en esa hora local el mismo día
  de la semana de las `SEMANAS` semanas previas, sin los días inhábiles del centro, **más las
  citas reservadas** de esa fecha, hora y trámite. Las citas las da la capacidad por la costura
  (`servicio("citas.reservadas_por_hora")`, si está instalada); entonces la historia cuenta solo
  los turnos que no fueron cita, para no contarlas dos veces.
- Atención media: las atenciones terminadas de esas semanas (de inicio a fin); sin historia, la
  meta del protocolo (`atencion_maxima_min`).
- Meta: `OBJETIVO` (80 %) de los turnos llamados dentro de la espera máxima del trámite
  (`META_POR_OMISION_S` si el trámite no tiene una).

- Plan programado: no hay horario de ventanillas en el modelo, así que el plan es el catálogo
  (cada ventanilla activa abierta con sus trámites). Por hora y trámite se reporta su nivel de
  servicio esperado (`turnos.dominio.dotacion.nivel_del_plan`) junto a la recomendación.

Erlang C supone llegadas estacionarias en la hora y ventanillas dedicadas al trámite: con
ventanillas compartidas la suma por trámite es una cota superior (ver docs/KPIS.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from turnos.capacidades import servicio
from turnos.db.almacen import Almacen
from turnos.dominio.dotacion import nivel_del_plan, recomendar
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
    " AND en_cola_ms >= :desde AND en_cola_ms < :hasta AND clase <> :sin"
)
_PLAN = text(
    "SELECT v.id, vt.tramite_id FROM ventanilla v JOIN ventanilla_tramite vt"
    " ON vt.ventanilla_id = v.id WHERE v.centro_id = :c AND v.activo = true"
)
CITAS = "citas.reservadas_por_hora"
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
        reservadas = servicio(CITAS)
        citas = {
            (tid, h): n
            for (h, tid), n in (reservadas(conn, c.id, fecha) if reservadas else {}).items()
        }
        sin = "cita" if reservadas else ""  # con citas aparte, la historia sin ellas
        conteo: dict[tuple[int, int], int] = defaultdict(int)
        for d in semanas:
            ini, fin = _dia_ms(d, c.zona)
            emitidos = conn.execute(_LLEGADAS, {"c": c.id, "desde": ini, "hasta": fin, "sin": sin})
            for tid, ms in emitidos:
                conteo[(tid, desde_ms(ms, c.zona).hour)] += 1
        plan_catalogo: dict[int, list[int]] = defaultdict(list)
        for vid, tid in conn.execute(_PLAN, {"c": c.id}):
            plan_catalogo[vid].append(tid)
        ini, _ = _dia_ms(fecha - timedelta(weeks=SEMANAS), c.zona)
        fin, _ = _dia_ms(fecha, c.zona)
        medias = {
            f.tramite_id: float(f.media) / 1000
            for f in conn.execute(_ATENCION, {"c": c.id, "desde": ini, "hasta": fin})
        }
    horas = []
    for hora in sorted({h for _, h in conteo} | {h for _, h in citas}):
        filas = _hora(hora, tramites, conteo, citas, len(semanas), medias, plan_catalogo)
        if filas:
            llegadas = sum(f["llegadas"] for f in filas)
            horas.append(
                {
                    "hora": f"{hora:02d}:00",
                    "tramites": filas,
                    "ventanillas": sum(f["ventanillas"] for f in filas),
                    "plan": {
                        "ventanillas": len(
                            {v for v, ts in plan_catalogo.items() for f in filas if f["id"] in ts}
                        ),
                        "nivel_servicio": round(
                            sum(f["llegadas"] * f["nivel_servicio_plan"] for f in filas) / llegadas,
                            4,
                        ),
                    },
                }
            )
            for f in filas:
                del f["id"]
    return {
        "centro": c.slug,
        "fecha": fecha.isoformat(),
        "objetivo": OBJETIVO,
        "semanas": [d.isoformat() for d in semanas],
        "plan_origen": "catalogo",
        "horas": horas,
    }


def _hora(
    hora: int,
    tramites: Sequence[Any],
    conteo: dict[tuple[int, int], int],
    citas: dict[tuple[int, int], int],
    semanas: int,
    medias: dict[int, float],
    plan_catalogo: dict[int, list[int]],
) -> list[dict[str, Any]]:
    demanda: dict[int, tuple[float, float, float]] = {}
    for tr in tramites:
        historia = conteo.get((tr.id, hora), 0) / semanas if semanas else 0.0
        llegadas = historia + citas.get((tr.id, hora), 0)
        aht = medias.get(tr.id) or float(tr.atencion_maxima_min or 0) * 60
        if llegadas and aht:
            meta_s = float(tr.espera_maxima_min or 0) * 60 or META_POR_OMISION_S
            demanda[tr.id] = (llegadas, aht, meta_s)
    del_plan = nivel_del_plan(demanda, plan_catalogo)
    filas = []
    for tr in tramites:
        if tr.id not in demanda:
            continue
        llegadas, aht, meta_s = demanda[tr.id]
        r = recomendar(llegadas, aht, meta_s, OBJETIVO)
        en_plan, nivel_plan = del_plan[tr.id]
        filas.append(
            {
                "id": tr.id,
                "tramite": tr.clave,
                "tramite_nombre": tr.nombre,
                "llegadas": round(llegadas, 2),
                "citas": citas.get((tr.id, hora), 0),
                "atencion_media_s": round(aht),
                "meta_s": round(meta_s),
                "ventanillas": r.ventanillas,
                "nivel_servicio": round(r.nivel_servicio, 4),
                "ocupacion": round(r.ocupacion, 4),
                "ventanillas_plan": en_plan,
                "nivel_servicio_plan": round(nivel_plan, 4),
            }
        )
    return filas

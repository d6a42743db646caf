"""Agenda del día para el personal: quién se espera, quién llegó y quién va tarde.

La situación se decide aquí (las plantillas solo la muestran). El nombre solo va en la vista de
la ventanilla y en la página del personal; el tablero muestra folio, hora y trámite.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from citas import lecturas
from turnos.db.almacen import Almacen
from turnos.servicios import consultas
from turnos.tiempo import a_ms

_DEL_DIA = text(
    "SELECT ci.folio, ci.nombre, ci.estado, ci.inicio_ms, ci.registrado_ms,"
    " tr.clave AS tramite, tr.nombre AS tramite_nombre FROM cita ci"
    " JOIN tramite tr ON tr.id = ci.tramite_id"
    " WHERE ci.centro_id = :c AND ci.inicio_ms >= :desde AND ci.inicio_ms < :hasta"
    " AND ci.estado <> 'cancelada' ORDER BY ci.inicio_ms, ci.folio"
)

SITUACIONES = {
    "esperada": "Se espera",
    "tarde": "Va tarde",
    "no_llego": "No llegó",
    "llego": "Llegó",
    "atendida": "Atendida",
}


def situacion(estado: str, inicio_ms: int, ahora_ms: int, despues_min: int) -> str:
    """Agendada antes de su hora: se espera; pasada su hora pero dentro de la tolerancia: va
    tarde; pasada la tolerancia (o marcada): no llegó."""
    if estado == "registrada":
        return "llego"
    if estado == "atendida":
        return "atendida"
    if estado == "no_presentada":
        return "no_llego"
    if ahora_ms <= inicio_ms:
        return "esperada"
    if ahora_ms <= inicio_ms + despues_min * 60_000:
        return "tarde"
    return "no_llego"


def del_dia(alm: Almacen, centro_slug: str, ahora: datetime) -> dict[str, Any]:
    """Citas de hoy (hora del centro) con su situación, y un resumen por situación."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        reglas = lecturas.ajustes(conn, c.id)
        zona = ZoneInfo(c.zona)
        hoy = ahora.astimezone(zona).date()
        desde = datetime.combine(hoy, time(), zona)
        hasta = datetime.combine(hoy + timedelta(days=1), time(), zona)
        filas = conn.execute(_DEL_DIA, {"c": c.id, "desde": a_ms(desde), "hasta": a_ms(hasta)})
        ahora_ms = a_ms(ahora)
        citas = []
        for f in filas:
            s = situacion(f.estado, f.inicio_ms, ahora_ms, reglas["despues_min"])
            llego = (
                datetime.fromtimestamp(f.registrado_ms / 1000, zona).strftime("%H:%M")
                if f.registrado_ms
                else ""
            )
            citas.append(
                {
                    "hora": datetime.fromtimestamp(f.inicio_ms / 1000, zona).strftime("%H:%M"),
                    "folio": f.folio,
                    "nombre": f.nombre,
                    "tramite": f.tramite,
                    "tramite_nombre": f.tramite_nombre,
                    "situacion": s,
                    "situacion_texto": SITUACIONES[s],
                    "llego": llego,
                }
            )
    resumen = {s: sum(1 for x in citas if x["situacion"] == s) for s in SITUACIONES}
    return {
        "centro": c.slug,
        "fecha": hoy.isoformat(),
        "citas": citas,
        "resumen": [{"situacion": s, "texto": t, "n": resumen[s]} for s, t in SITUACIONES.items()],
    }


def sin_nombres(agenda: dict[str, Any]) -> dict[str, Any]:
    """Para el tablero (lo ven también auditores): sin el nombre de la persona."""
    return {**agenda, "citas": [{**c, "nombre": ""} for c in agenda["citas"]]}

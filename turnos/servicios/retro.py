"""Lee la bitácora de un centro para el back-test del estimador (`turnos.dominio.retro`).

Tramos de turno emitidos en el periodo (emisión, primer llamado, inicio, fin, ventanilla) y los
cambios de estado de las ventanillas (eventos `ventanilla_*`). Las ventanillas y sus trámites son
los de hoy (el catálogo no guarda su historia); las metas de atención, las del catálogo.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from turnos.db.almacen import Almacen
from turnos.dominio.estados import Clase
from turnos.dominio.retro import CambioVentanilla, Registro, Resultado, evaluar
from turnos.servicios import consultas
from turnos.tiempo import a_ms

_TURNOS = text(
    "SELECT t.id, t.tramite_id, t.clase, t.en_cola_ms, t.llamado_ms, t.inicio_ms, t.fin_ms,"
    " t.ventanilla_id, t.cita_ms, tr.espera_maxima_min FROM turno t"
    " JOIN tramite tr ON tr.id = t.tramite_id"
    " WHERE t.centro_id = :c AND t.en_cola_ms >= :desde AND t.en_cola_ms < :hasta"
    " ORDER BY t.en_cola_ms, t.id"
)
_CAMBIOS = text(
    "SELECT ts_ms, tipo, ventanilla_id FROM evento WHERE centro_id = :c AND ts_ms < :hasta"
    " AND tipo IN ('ventanilla_abierta', 'ventanilla_pausada', 'ventanilla_cerrada',"
    " 'ventanilla_liberada') AND ventanilla_id IS NOT NULL ORDER BY seq"
)
_VENTANILLAS = text(
    "SELECT v.id, vt.tramite_id FROM ventanilla v JOIN ventanilla_tramite vt"
    " ON vt.ventanilla_id = v.id JOIN tramite tr ON tr.id = vt.tramite_id"
    " WHERE v.centro_id = :c AND v.activo = true ORDER BY v.id, vt.orden, tr.clave"
)
_TRAMITES = text("SELECT id, clave, atencion_maxima_min FROM tramite WHERE centro_id = :c")


def periodo_ms(desde: date, hasta: date, zona: str) -> tuple[int, int]:
    """[inicio de `desde`, fin de `hasta`) en la hora local del centro."""
    z = ZoneInfo(zona)
    inicio = datetime.combine(desde, time(), z)
    fin = datetime.combine(hasta + timedelta(days=1), time(), z)
    return a_ms(inicio), a_ms(fin)


def evaluar_centro(
    alm: Almacen, slug: str, desde: date, hasta: date
) -> tuple[Resultado, dict[str, str]]:
    """(resultado del back-test, {id de trámite: clave}) del centro en el periodo."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        ini, fin = periodo_ms(desde, hasta, c.zona)
        registros = [
            _registro(f) for f in conn.execute(_TURNOS, {"c": c.id, "desde": ini, "hasta": fin})
        ]
        cambios = [
            CambioVentanilla(f.ts_ms, f.ventanilla_id, f.tipo == "ventanilla_abierta")
            for f in conn.execute(_CAMBIOS, {"c": c.id, "hasta": fin})
        ]
        ventanillas: dict[int, list[str]] = {}
        for f in conn.execute(_VENTANILLAS, {"c": c.id}):
            ventanillas.setdefault(f.id, []).append(str(f.tramite_id))
        claves, metas = {}, {}
        for f in conn.execute(_TRAMITES, {"c": c.id}):
            claves[str(f.id)] = f.clave
            if f.atencion_maxima_min:
                metas[str(f.id)] = float(f.atencion_maxima_min) * 60
    res = evaluar(registros, cambios, ventanillas, metas, c.politica)
    return res, claves


def _registro(f: Any) -> Registro:
    return Registro(
        id=f.id,
        tramite=str(f.tramite_id),
        clase=Clase(f.clase),
        en_cola_ms=f.en_cola_ms,
        llamado_ms=f.llamado_ms,
        inicio_ms=f.inicio_ms,
        fin_ms=f.fin_ms,
        ventanilla=f.ventanilla_id,
        cita_ms=f.cita_ms,
        espera_maxima_s=(f.espera_maxima_min or 0) * 60 or None,
    )


def tabla(res: Resultado, claves: dict[str, str]) -> list[dict[str, Any]]:
    """Filas por trámite (clave) y total («total»): cifras del estimador y de la base."""
    filas = []
    for tid in sorted(res.estimador, key=lambda t: (t == "*", claves.get(t, t))):
        e, b = res.estimador[tid].resumen(), res.base[tid].resumen()
        filas.append(
            {
                "tramite": "total" if tid == "*" else claves.get(tid, tid),
                "n": int(e["n"]),
                **{f"eta_{k}": v for k, v in e.items() if k != "n"},
                **{f"base_{k}": v for k, v in b.items() if k != "n"},
            }
        )
    return filas

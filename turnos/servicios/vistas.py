"""Representaciones públicas (sin datos personales) de turnos y eventos."""

from __future__ import annotations

from typing import Any

from turnos.servicios.consultas import CentroInfo, TurnoInfo, VentanillaInfo
from turnos.tiempo import iso


def turno_evento(
    t: TurnoInfo, tramite_clave: str, tramite_nombre: str, estado: str
) -> dict[str, Any]:
    """El turno como viaja en un evento público: id estable (primer tramo), nunca el token."""
    return {
        "id": t.raiz_id or t.id,
        "folio": t.folio,
        "tramite": tramite_clave,
        "tramite_nombre": tramite_nombre,
        "clase": t.clase,
        "estado": estado,
    }


def ventanilla_evento(v: VentanillaInfo) -> dict[str, Any]:
    return {"numero": v.numero, "nombre": v.nombre}


def evento_publico(c: CentroInfo, ts_ms: int, **partes: Any) -> dict[str, Any]:
    return {"ts": iso(ts_ms, c.zona), "centro": c.slug, **partes}

"""Representaciones de turnos y eventos: la pública (sin datos personales) y la del personal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from turnos.dominio.estados import EstadoTurno, nombre_estado
from turnos.servicios import consultas
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


def turno_staff(conn: Connection, turno_id: int, zona: str) -> dict[str, Any]:
    """El turno como lo ve el personal en su ventanilla."""
    return turno_staff_de(consultas.turno(conn, turno_id), zona)


def turno_staff_de(t: TurnoInfo, zona: str) -> dict[str, Any]:
    """`turno_staff` de un turno ya leído (p. ej. el que devolvió el UPDATE … RETURNING)."""
    return {
        "folio": t.folio,
        "tramite": t.tramite_clave,
        "tramite_nombre": t.tramite_nombre,
        "clase": t.clase,
        "origen": t.origen,
        "estado": t.estado,
        "estado_texto": nombre_estado(EstadoTurno(t.estado)),
        "tramo": t.tramo,
        "llamadas": t.llamadas,
        "en_cola": iso(t.en_cola_ms, zona),
        "llamado": iso(t.llamado_ms, zona),
        "inicio": iso(t.inicio_ms, zona),
        "fin": iso(t.fin_ms, zona),
        "inicio_ms": t.inicio_ms or t.llamado_ms,
        "atencion_maxima_min": t.atencion_maxima_min,
        "datos_registrados": bool(t.nombre),
    }

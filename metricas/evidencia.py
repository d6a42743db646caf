"""La hoja de evidencia MAS: sus cifras, y cuándo y quién la firma (la usan la web y la CLI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from metricas import consultas, extras, formato, kpis, reportes
from turnos.permisos import Actor
from turnos.tiempo import texto_dia

ROLES_FIRMA = {
    "jefe": "Jefatura del centro",
    "admin": "Administración del sistema",
    "auditor": "Evaluación estatal",
}


def firma_evidencia(ahora: datetime, zona: str, quien: Actor | None) -> dict[str, Any]:
    """Cuándo se generó (hora local del centro) y quién firma la hoja que se entrega."""
    local = ahora.astimezone(ZoneInfo(zona))
    return {
        "generada": f"{texto_dia(local)} de {local.year} a las {local:%H:%M}",
        "firmante": quien.nombre if quien is not None else "",
        "cargo": ROLES_FIRMA.get(quien.rol, "") if quien is not None else "",
    }


def contexto_evidencia(inf: consultas.Informe, alm: Any = None) -> dict[str, Any]:
    total = kpis.resumen(inf.total)
    return {
        "extras": extras.evidencia(alm, inf) if alm is not None else [],
        "nombre_centro": inf.centro.nombre,
        "filas": reportes.evidencia(inf),
        "total": reportes.formatear(reportes._cifras(inf.total, completo=False)),
        "total_crudo": total,
        "horas_ventanilla": formato.horas(sum(inf.abierta_ms.values())),
        "horas_persona": formato.horas(sum(inf.persona_ms.values())),
        "utilizacion": formato.porcentaje(
            inf.total.suma_atencion_ms / sum(inf.abierta_ms.values())
            if sum(inf.abierta_ms.values())
            else None
        ),
    }

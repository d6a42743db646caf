"""Valores ya preparados para las páginas de citas (las plantillas no deciden nada)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import qrcode
import qrcode.image.svg

from turnos.tiempo import texto_dia

ESTADOS = {
    "agendada": "Agendada",
    "registrada": "Registrada: ya está en la fila",
    "atendida": "Atendida",
    "no_presentada": "No se presentó",
    "cancelada": "Cancelada",
}


def texto_fecha_hora(iso: str) -> str:
    m = datetime.fromisoformat(iso)
    return f"{texto_dia(m)} de {m.year}, {m:%H:%M} h"


def _lugares(n: int) -> str:
    return "1 lugar" if n == 1 else f"{n} lugares"


def dias(horarios: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Días con al menos un lugar libre: [{"fecha", "texto", "libres"}] en orden."""
    salida: dict[str, dict[str, Any]] = {}
    for h in horarios:
        if h["libres"] <= 0:
            continue
        m = datetime.fromisoformat(h["inicio"])
        dia = salida.setdefault(m.date().isoformat(), {"texto": texto_dia(m), "horarios": 0})
        dia["horarios"] += 1
    return [
        {"fecha": f, "texto": d["texto"], "detalle": f"{d['horarios']} horarios con lugar"}
        for f, d in salida.items()
    ]


def horas(horarios: Iterable[dict[str, Any]], fecha: str) -> list[dict[str, Any]]:
    return [
        {
            "inicio": h["inicio"],
            "texto": h["inicio"][11:16],
            "detalle": _lugares(h["libres"]) + (" libre" if h["libres"] == 1 else " libres"),
        }
        for h in horarios
        if h["inicio"].startswith(fecha) and h["libres"] > 0
    ]


def qr_svg(contenido: str) -> str:
    """SVG en línea del QR (el folio: un lector USB lo teclea en el kiosco)."""
    imagen = qrcode.make(
        contenido, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    return str(imagen.to_string(encoding="unicode"))

"""Textos es-MX para cifras: las plantillas y el JS solo muestran lo que sale de aquí."""

from __future__ import annotations


def duracion(segundos: float | None) -> str:
    if segundos is None:
        return "—"
    s = int(round(segundos))
    if s < 60:
        return f"{s} s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m} min" if s == 0 else f"{m} min {s:02d} s"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"


def minutos(segundos: float | None) -> str:
    return "—" if segundos is None else f"{segundos / 60:.1f}"


def porcentaje(p: float | None) -> str:
    return "—" if p is None else f"{p * 100:.1f} %"


def entero(n: int | float | None) -> str:
    return "—" if n is None else f"{int(n):,}"


def horas(ms: int | float | None) -> str:
    return "—" if ms is None else f"{ms / 3_600_000:,.2f}"

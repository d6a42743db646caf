"""Filtro público por trámites (``?tramites=A,B``) para pantallas por zona.

Recorta eventos y snapshots a las claves pedidas. No es un control de acceso: todo lo que
pasa por aquí ya es público (nunca nombres ni el token del ciudadano).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Evento = dict[str, Any]
FiltroPublico = Callable[[Evento], Evento | None]


def leer_tramites(valor: str | None) -> frozenset[str] | None:
    """``"LIC, PRED"`` -> ``{"LIC", "PRED"}``; vacío o ausente -> ``None`` (sin filtro)."""
    if not valor:
        return None
    claves = frozenset(c.strip() for c in valor.split(",") if c.strip())
    return claves or None


def filtro_tramites(claves: Iterable[str]) -> FiltroPublico:
    """Devuelve una función evento -> evento recortado, o ``None`` si no le toca a la zona."""
    permitidas = frozenset(claves)

    def filtrar(evento: Evento) -> Evento | None:
        turno = evento.get("turno")
        if turno is not None:
            toca = turno.get("tramite") in permitidas or evento.get("destino") in permitidas
            if not toca:
                return None
        cola = evento.get("cola")
        if cola is None:
            return evento
        recortado = dict(evento)
        recortado["cola"] = {k: v for k, v in cola.items() if k in permitidas}
        return recortado

    return filtrar


def filtrar_snapshot(snapshot: Evento, claves: Iterable[str]) -> Evento:
    permitidas = frozenset(claves)
    copia = dict(snapshot)
    copia["llamados"] = [
        llamado for llamado in snapshot.get("llamados", []) if llamado.get("tramite") in permitidas
    ]
    copia["cola"] = {k: v for k, v in snapshot.get("cola", {}).items() if k in permitidas}
    return copia

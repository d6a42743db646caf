"""Siembra de la demostración: unidades, asuntos y canalización (marcados `demo`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from buzon import catalogo

UNIDADES = (
    ("atencion", "Coordinación de Atención Ciudadana", "atencion@demo.invalid"),
    ("sistemas", "Sistemas y Kioscos", "sistemas@demo.invalid"),
    ("contraloria", "Órgano Interno de Control", "contraloria@demo.invalid"),
)
ASUNTOS = (
    ("trato", "Trato del personal"),
    ("espera", "Tiempo de espera"),
    ("instalaciones", "Instalaciones y limpieza"),
    ("kiosco", "Kiosco, pantallas y turnos"),
    ("cobros", "Cobros indebidos"),
)
RUTAS = (
    ("", "", "atencion"),
    ("", "kiosco", "sistemas"),
    ("denuncia", "", "contraloria"),
)


def sembrar(alm: Any, slug: str, ahora: datetime) -> None:
    for clave, nombre, correo in UNIDADES:
        catalogo.guardar_unidad(alm, slug, clave, nombre, correo, demo=True)
    for orden, (clave, nombre) in enumerate(ASUNTOS):
        catalogo.guardar_asunto(alm, slug, clave, nombre, orden, demo=True)
    for tipo, asunto, unidad in RUTAS:
        catalogo.guardar_ruta(alm, slug, tipo, asunto, unidad, demo=True)

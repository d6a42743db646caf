"""Apoyo de las pruebas de citas: CURPs válidas distintas y un centro con agenda."""

from __future__ import annotations

from citas import configuracion
from citas.curp import digito_verificador
from tests.conftest import AHORA

# AHORA es lunes 23 de noviembre de 2026, 10:00 en Ciudad de México; la anticipación mínima
# por omisión es de 60 minutos: el martes 24 todo el día (horario 00:00–24:00) es reservable.
MANANA = "2026-11-24"


def curp(n: int, sexo: str = "H") -> str:
    """La n-ésima CURP válida de prueba (n < 28·36)."""
    base = f"HEGG56{(n % 12) + 1:02d}{(n // 12) % 28 + 1:02d}{sexo}GTRRL"
    base += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n // 336) % 36]
    return base + str(digito_verificador(base))


def inicio(hora: int, minuto: int = 0, dia: str = MANANA) -> str:
    return f"{dia}T{hora:02d}:{minuto:02d}:00-06:00"


def con_agenda(alm, centro, lugares: int = 2, **reglas) -> None:
    configuracion.guardar_agenda(alm, centro.slug, "A", centro.jefe, AHORA, lugares=lugares)
    configuracion.guardar_agenda(alm, centro.slug, "B", centro.jefe, AHORA, lugares=lugares)
    if reglas:
        configuracion.guardar_ajustes(alm, centro.slug, centro.jefe, AHORA, **reglas)


def datos(n: int, hora: int = 9, minuto: int = 0, tramite: str = "A", **mas) -> dict:
    return {
        "tramite": tramite,
        "inicio": inicio(hora, minuto),
        "nombre": f"Persona {n}",
        "curp": curp(n),
        **mas,
    }

"""Un solo convertidor de enteros para rutas, formularios y catálogos: rango de 64 bits con signo
(lo que cabe en SQLite y en BIGINT de PostgreSQL); fuera de rango es entrada inválida, no un 500."""

from __future__ import annotations

import re
from typing import Any

from turnos.errores import EntradaInvalida

MINIMO = -(2**63)
MAXIMO = 2**63 - 1
_ENTERO = re.compile(r"[+-]?[0-9]{1,19}")


def entero(valor: Any, campo: str, *, minimo: int = MINIMO, maximo: int = MAXIMO) -> int:
    """`valor` (texto de un formulario o de la ruta) como entero en [minimo, maximo]."""
    texto = str(valor if valor is not None else "").strip()
    if not _ENTERO.fullmatch(texto):
        raise EntradaInvalida(f"«{campo}» debe ser un número entero.", "entero_invalido")
    n = int(texto)
    if n < minimo or n > maximo:
        raise EntradaInvalida(
            f"«{campo}» debe estar entre {minimo} y {maximo}.", "entero_fuera_de_rango"
        )
    return n

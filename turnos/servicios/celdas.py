"""Celdas de exportación a prueba de fórmulas (OWASP «CSV injection», DESIGN §7).

Un nombre como `=HYPERLINK(…)` capturado en la ventanilla o un texto del catálogo no debe
llegar vivo a Excel o LibreOffice. Toda exportación CSV/XLSX pasa sus valores por `celda`:
un texto que empieza con `= + - @`, tabulador o retorno de carro se escribe con `'` delante,
y así la hoja lo trata como texto. Los números se dejan como números.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

PELIGROSOS = ("=", "+", "-", "@", "\t", "\r")


def celda(valor: Any) -> Any:
    if isinstance(valor, str) and valor.startswith(PELIGROSOS):
        return "'" + valor
    return valor


def fila(datos: Mapping[str, Any]) -> dict[str, Any]:
    return {k: celda(v) for k, v in datos.items()}


def desescapar(valor: Any) -> Any:
    """Lo inverso al importar un CSV que exportamos (catálogo): quita el `'` que pusimos."""
    if isinstance(valor, str) and valor.startswith("'") and valor[1:].startswith(PELIGROSOS):
        return valor[1:]
    return valor


def a_csv(filas: Iterable[Mapping[str, Any]], columnas: list[str]) -> str:
    salida = io.StringIO()
    w = csv.DictWriter(salida, fieldnames=columnas, lineterminator="\r\n")
    w.writeheader()
    w.writerows(fila(f) for f in filas)
    return salida.getvalue()

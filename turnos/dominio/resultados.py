"""Marcas de resultado de una visita (puro): «Resuelto», «Falta documento», «Requiere otra
visita»… configurables por trámite. Al finalizar, la ventanilla elige una si el trámite tiene
marcas; las que `resuelven` cuentan para «resuelto en primera visita» (reporte de métricas).

Texto de administración: una marca por línea; las que resuelven el trámite empiezan con «+»
(p. ej. «+ Resuelto»). La importación del catálogo acepta esa lista de textos o una lista de
objetos ``{"nombre", "resuelve"?, "clave"?}``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from turnos.errores import EntradaInvalida

MAXIMO_MARCAS = 12
NOMBRE_MAX = 60
CLAVE_MAX = 40


@dataclass(frozen=True)
class Marca:
    clave: str
    nombre: str
    resuelve: bool = False

    def como_dict(self) -> dict[str, Any]:
        return asdict(self)


def clave_de(nombre: str) -> str:
    """«Falta documento» → «falta-documento» (sin acentos; estable para los reportes)."""
    sin_acentos = unicodedata.normalize("NFKD", nombre).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", sin_acentos.lower()).strip("-")[:CLAVE_MAX]


def _una(valor: Any) -> Marca:
    if isinstance(valor, dict):
        nombre = str(valor.get("nombre", "")).strip()
        resuelve = valor.get("resuelve", False)
        if not isinstance(resuelve, bool):
            raise EntradaInvalida(f"La marca «{nombre[:60]}»: «resuelve» es true o false.")
        clave = clave_de(str(valor.get("clave") or nombre))
    else:
        texto = str(valor).strip()
        resuelve = texto.startswith("+")
        nombre = texto.lstrip("+").strip()
        clave = clave_de(nombre)
    if not nombre:
        raise EntradaInvalida("Cada marca de resultado necesita un nombre.")
    if len(nombre) > NOMBRE_MAX:
        raise EntradaInvalida(f"La marca «{nombre[:60]}…» admite hasta {NOMBRE_MAX} caracteres.")
    if not clave:
        raise EntradaInvalida(f"La marca «{nombre}» necesita letras o números.")
    return Marca(clave, nombre, bool(resuelve))


def leer_marcas(valor: Any) -> list[Marca]:
    """Marcas desde el texto de administración (líneas) o una lista de la importación."""
    if valor is None or valor == "":
        return []
    elementos: Iterable[Any]
    if isinstance(valor, str):
        elementos = [x for x in valor.splitlines() if x.strip()]
    elif isinstance(valor, list):
        elementos = valor
    else:
        raise EntradaInvalida("Las marcas de resultado son una lista (una por línea).")
    marcas = [_una(x) for x in elementos]
    if len(marcas) > MAXIMO_MARCAS:
        raise EntradaInvalida(f"Un trámite admite hasta {MAXIMO_MARCAS} marcas de resultado.")
    claves = [m.clave for m in marcas]
    repetidas = sorted({c for c in claves if claves.count(c) > 1})
    if repetidas:
        raise EntradaInvalida(f"Marcas de resultado repetidas: {', '.join(repetidas)}.")
    return marcas


def como_texto(marcas: Iterable[Marca]) -> str:
    """El texto de administración de unas marcas (inverso de `leer_marcas`)."""
    return "\n".join(("+ " if m.resuelve else "") + m.nombre for m in marcas)


def elegir(marcas: list[Marca], clave: str) -> Marca | None:
    """La marca elegida al finalizar: obligatoria si el trámite tiene marcas."""
    clave = clave.strip()
    if not marcas:
        if clave:
            raise EntradaInvalida("Este trámite no tiene marcas de resultado; finalice sin marca.")
        return None
    if not clave:
        nombres = ", ".join(m.nombre for m in marcas)
        raise EntradaInvalida(
            f"Elija el resultado de la visita ({nombres}).", "resultado_requerido"
        )
    for m in marcas:
        if m.clave == clave:
            return m
    raise EntradaInvalida(f"«{clave[:40]}» no es una marca de resultado de este trámite.")

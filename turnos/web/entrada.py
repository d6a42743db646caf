"""Un solo lector de la entrada de una petición: cuerpo JSON y formulario (con límites de tamaño,
de anidamiento y de campos) y el convertidor `entero` de los parámetros de ruta. Todo error de
lectura es un 4xx con mensaje en español (web/errores.py lo traduce)."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import FormData
from starlette.requests import Request

from turnos.enteros import MAXIMO
from turnos.errores import DemasiadoGrande, EntradaInvalida

LIMITE_JSON = 64 * 1024  # bytes: ningún cuerpo JSON de la API se acerca
PROFUNDIDAD_JSON = 32  # objetos/listas anidados
CAMPOS_FORMULARIO = 500
PARTE_FORMULARIO = 64 * 1024

_CADENA = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_LLAVES = re.compile(rb"[\[\]{}]")


def profundidad(crudo: bytes) -> int:
    """Anidamiento máximo de un JSON sin decodificarlo (las cadenas no cuentan)."""
    actual = maximo = 0
    for m in _LLAVES.finditer(_CADENA.sub(b'""', crudo)):
        actual += 1 if m.group() in (b"[", b"{") else -1
        maximo = max(maximo, actual)
    return maximo


async def cuerpo(request: Request) -> dict[str, Any]:
    """El cuerpo JSON como objeto ({} si viene vacío)."""
    crudo = await request.body()
    if len(crudo) > LIMITE_JSON:
        raise DemasiadoGrande(f"El cuerpo JSON admite a lo más {LIMITE_JSON // 1024} KiB.")
    if not crudo.strip():
        return {}
    if profundidad(crudo) > PROFUNDIDAD_JSON:
        raise EntradaInvalida(
            f"El JSON está anidado más de {PROFUNDIDAD_JSON} niveles.", "json_invalido"
        )
    try:
        datos = json.loads(crudo)
    except (ValueError, RecursionError):
        raise EntradaInvalida("El cuerpo no es JSON válido.", "json_invalido") from None
    if not isinstance(datos, dict):
        raise EntradaInvalida("El cuerpo debe ser un objeto JSON.", "json_invalido")
    return datos


async def formulario(request: Request) -> FormData:
    """El formulario (urlencoded o multipart sin archivos), con límites de campos y tamaño."""
    form = await request.form(
        max_files=0, max_fields=CAMPOS_FORMULARIO, max_part_size=PARTE_FORMULARIO
    )
    for valor in form.values():
        if isinstance(valor, str) and "\x00" in valor:
            raise EntradaInvalida("El formulario contiene caracteres no válidos.", "texto_invalido")
    return form


class Entero(Convertor[int]):
    """`{numero:entero}`: solo enteros que caben en 64 bits; uno más largo no es una ruta (404)."""

    regex = f"[0-9]{{1,{len(str(MAXIMO)) - 1}}}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("entero", Entero())

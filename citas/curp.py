"""CURP: formato y dígito verificador (acepta el marcador de sexo X, vigente desde 2022).

Validación local (no consulta a RENAPO). python-stdnum 2.2 rechaza la X: por eso es propia.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

_ESTADOS = "AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE"
_FORMATO = re.compile(
    rf"^[A-Z][AEIOUX][A-Z]{{2}}\d{{6}}[HMX]({_ESTADOS})[B-DF-HJ-NP-TV-Z]{{3}}[0-9A-Z]\d$"
)
# '&' ocupa el lugar de la Ñ (24) en la tabla de RENAPO.
_ALFABETO = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"


class CurpInvalida(ValueError):
    """La CURP no tiene el formato o su dígito verificador no cuadra (mensaje en español)."""


def normalizar(texto: str) -> str:
    """Mayúsculas, sin espacios ni guiones; Ñ → X como hace RENAPO."""
    limpio = unicodedata.normalize("NFC", texto).upper().replace("Ñ", "X")
    return re.sub(r"[\s\-.]", "", limpio)


def digito_verificador(primeros17: str) -> int:
    suma = sum(_ALFABETO.index(c) * (18 - i) for i, c in enumerate(primeros17))
    return (10 - suma % 10) % 10


def _fecha_valida(yymmdd: str) -> bool:
    mes, dia = int(yymmdd[2:4]), int(yymmdd[4:6])
    return 1 <= mes <= 12 and 1 <= dia <= 31


def validar(texto: str) -> str:
    """La CURP normalizada, o CurpInvalida con el motivo."""
    curp = normalizar(texto)
    if len(curp) != 18:
        raise CurpInvalida("La CURP tiene 18 caracteres; revise que la haya escrito completa.")
    if not _FORMATO.match(curp) or not _fecha_valida(curp[4:10]):
        raise CurpInvalida("La CURP no tiene un formato válido; revísela en su acta o constancia.")
    if digito_verificador(curp[:17]) != int(curp[17]):
        raise CurpInvalida(
            "El último dígito de la CURP no corresponde; revise que esté bien escrita."
        )
    return curp


def huella(llave: bytes, curp: str) -> str:
    """HMAC-SHA256 de la CURP normalizada: sirve para comparar sin guardarla donde no se pide."""
    return hmac.new(llave, curp.encode(), hashlib.sha256).hexdigest()

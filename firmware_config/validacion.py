"""Lectura de archivos YAML de perfiles con errores en español que nombran archivo y campo."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

RAIZ = Path(__file__).resolve().parent.parent  # los mensajes usan rutas relativas a esta raíz
_HEX4 = re.compile(r"^[0-9a-fA-F]{4}$")


class PerfilInvalido(ValueError):
    """Un archivo de perfil no existe, no es YAML válido o tiene un campo incorrecto."""

    def __init__(self, errores: list[str]) -> None:
        self.errores = list(errores)
        super().__init__("\n".join(self.errores))


def nombre_visible(ruta: Path) -> str:
    """'firmware_config/impresoras/x.yaml' para archivos del paquete; la ruta tal cual si no."""
    try:
        return ruta.resolve().relative_to(RAIZ).as_posix()
    except ValueError:
        return str(ruta)


class Lector:
    """Lee campos de un mapeo YAML y acumula errores con el nombre del archivo."""

    def __init__(self, archivo: str, datos: Mapping[str, Any]) -> None:
        self.archivo = archivo
        self.datos = datos
        self.errores: list[str] = []
        self._leidos: set[str] = set()

    def error(self, campo: str, mensaje: str) -> None:
        self.errores.append(f"{self.archivo}: campo '{campo}' {mensaje}")

    def valor(self, campo: str, datos: Mapping[str, Any] | None = None) -> tuple[bool, Any]:
        datos = self.datos if datos is None else datos
        self._leidos.add(campo)
        hoja = campo.rsplit(".", 1)[-1]
        if hoja not in datos:
            self.error(campo, "es obligatorio y falta")
            return False, None
        return True, datos[hoja]

    def texto(self, campo: str, datos: Mapping[str, Any] | None = None) -> str:
        hay, valor = self.valor(campo, datos)
        if hay and (not isinstance(valor, str) or not valor.strip()):
            self.error(campo, f"debe ser un texto no vacío (se encontró: {valor!r})")
        return valor if isinstance(valor, str) else ""

    def entero_positivo(self, campo: str, maximo: int = 100_000) -> int:
        hay, valor = self.valor(campo)
        valido = isinstance(valor, int) and not isinstance(valor, bool) and 0 < valor <= maximo
        if hay and not valido:
            self.error(campo, f"debe ser un entero positivo (se encontró: {valor!r})")
        return valor if valido else 0

    def booleano(self, campo: str) -> bool:
        hay, valor = self.valor(campo)
        if hay and not isinstance(valor, bool):
            self.error(campo, f"debe ser true o false (se encontró: {valor!r})")
        return bool(valor)

    def opcion(self, campo: str, opciones: Mapping[str, Any] | tuple[str, ...]) -> str:
        hay, valor = self.valor(campo)
        if hay and valor not in opciones:
            self.error(campo, f"debe ser uno de {', '.join(opciones)} (se encontró: {valor!r})")
        return valor if isinstance(valor, str) else ""

    def hex4(self, campo: str, datos: Mapping[str, Any]) -> int:
        hay, valor = self.valor(campo, datos)
        if hay and not (isinstance(valor, str) and _HEX4.match(valor)):
            # Sin comillas, YAML lee 0202 como octal: por eso se exige texto.
            self.error(
                campo,
                f'debe ser texto de 4 dígitos hexadecimales entre comillas, p. ej. "04b8" '
                f"(se encontró: {valor!r})",
            )
            return 0
        return int(valor, 16) if hay else 0

    def mapeo(self, campo: str) -> Mapping[str, Any] | None:
        hay, valor = self.valor(campo)
        if hay and not isinstance(valor, dict):
            self.error(campo, "debe ser un mapeo (claves con valores)")
        return valor if isinstance(valor, dict) else None

    def sin_campos_desconocidos(self) -> None:
        for campo in self.datos:
            if campo not in self._leidos:
                self.errores.append(f"{self.archivo}: campo '{campo}' no se reconoce")


def leer_yaml(ruta: Path) -> Lector:
    archivo = nombre_visible(ruta)
    try:
        texto = ruta.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PerfilInvalido([f"{archivo}: el archivo no existe"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PerfilInvalido([f"{archivo}: no se pudo leer ({exc})"]) from None
    try:
        datos = yaml.safe_load(texto)
    except yaml.YAMLError as exc:
        marca = getattr(exc, "problem_mark", None)
        donde = f" en la línea {marca.line + 1}" if marca is not None else ""
        raise PerfilInvalido([f"{archivo}: YAML inválido{donde}"]) from None
    if not isinstance(datos, dict):
        raise PerfilInvalido(
            [f"{archivo}: debe contener un mapeo de campos, no {type(datos).__name__}"]
        )
    return Lector(archivo, datos)


def terminar(lector: Lector) -> None:
    lector.sin_campos_desconocidos()
    if lector.errores:
        raise PerfilInvalido(lector.errores)

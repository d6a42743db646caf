"""Perfiles de dispositivos (impresoras, kioscos, pantallas) leídos de archivos YAML.

Cada archivo se valida campo por campo; cualquier error levanta `PerfilInvalido` con un mensaje
en español que nombra el archivo y el campo, para que quien instala un centro lo corrija sin
leer código. Este módulo no importa python-escpos ni nada del paquete `turnos`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from firmware_config.validacion import (
    PerfilInvalido,
    leer_yaml,
    nombre_visible,
    terminar,
)

DIRECTORIO = Path(__file__).resolve().parent

# Tablas ESC t admitidas. Solo CP850: es la que imprime bien á é í ó ú ñ ¿ ¡ y mayúsculas
# acentuadas tanto en Epson como en los clones probados.
CODEPAGES_ESC_T: Mapping[str, int] = {"CP850": 2}

# Kioscos y pantallas hablan (anuncios; modo asistido): sin la primera Chromium en Linux no ve
# las voces de speech-dispatcher; sin la segunda, campana y voz esperan un toque que en una TV
# nadie da.
FLAGS_VOZ = ("--enable-speech-dispatcher", "--autoplay-policy=no-user-gesture-required")

TipoNavegador = Literal["kiosco", "pantalla"]
Orientacion = Literal["vertical", "horizontal"]

_NOMBRE = re.compile(r"^[a-z0-9_]+$")
_CARPETAS: Mapping[str, str] = {
    "impresora": "impresoras",
    "kiosco": "kioscos",
    "pantalla": "pantallas",
}


@dataclass(frozen=True)
class PerfilImpresora:
    nombre: str
    modelo: str
    perfil_escpos: str  # nombre del perfil de capacidades de python-escpos usado como base
    ancho_papel_px: int
    columnas: int  # caracteres por renglón con la fuente A
    codepage: str
    qr_nativo: bool
    cortador: bool
    usb_vendor_id: int
    usb_product_id: int

    @property
    def tabla_esc_t(self) -> int:
        return CODEPAGES_ESC_T[self.codepage]

    @property
    def usb_id(self) -> str:
        return f"{self.usb_vendor_id:04x}:{self.usb_product_id:04x}"


@dataclass(frozen=True)
class PerfilNavegador:
    """Kiosco o pantalla: un Chromium en modo kiosco sobre una ruta del servidor."""

    nombre: str
    tipo: TipoNavegador
    descripcion: str
    orientacion: Orientacion
    ancho_px: int
    alto_px: int
    ruta: str  # con "{centro}", p. ej. /kiosco/{centro}
    chromium_flags: tuple[str, ...]
    inactividad_s: int | None = None  # solo kioscos

    def argumentos_chromium(self, url: str) -> list[str]:
        tamano = f"--window-size={self.ancho_px},{self.alto_px}"
        return [*self.chromium_flags, tamano, "--window-position=0,0", url]


@dataclass(frozen=True)
class Perfiles:
    impresoras: Mapping[str, PerfilImpresora]
    kioscos: Mapping[str, PerfilNavegador]
    pantallas: Mapping[str, PerfilNavegador]


def cargar_perfil_impresora_de(ruta: Path | str) -> PerfilImpresora:
    """Carga y valida un perfil de impresora desde cualquier ruta (el nombre es el del archivo)."""
    ruta = Path(ruta)
    lector = leer_yaml(ruta)
    ancho = lector.entero_positivo("ancho_papel_px", maximo=2048)
    if ancho % 8:
        lector.error("ancho_papel_px", f"debe ser múltiplo de 8 (se encontró: {ancho})")
    usb = lector.mapeo("usb")
    perfil = PerfilImpresora(
        nombre=ruta.stem,
        modelo=lector.texto("modelo"),
        perfil_escpos=lector.texto("perfil_escpos"),
        ancho_papel_px=ancho,
        columnas=lector.entero_positivo("columnas", maximo=128),
        codepage=lector.opcion("codepage", CODEPAGES_ESC_T),
        qr_nativo=lector.booleano("qr_nativo"),
        cortador=lector.booleano("cortador"),
        usb_vendor_id=lector.hex4("usb.vendor_id", usb) if usb is not None else 0,
        usb_product_id=lector.hex4("usb.product_id", usb) if usb is not None else 0,
    )
    for clave in usb or ():
        if clave not in ("vendor_id", "product_id"):
            lector.errores.append(f"{lector.archivo}: campo 'usb.{clave}' no se reconoce")
    terminar(lector)
    return perfil


def cargar_perfil_navegador_de(ruta: Path | str, tipo: TipoNavegador) -> PerfilNavegador:
    """Carga y valida un perfil de kiosco o de pantalla desde cualquier ruta."""
    ruta = Path(ruta)
    lector = leer_yaml(ruta)
    orientacion = lector.opcion("orientacion", ("vertical", "horizontal"))
    ancho = lector.entero_positivo("ancho_px", maximo=10_000)
    alto = lector.entero_positivo("alto_px", maximo=10_000)
    if ancho and alto and orientacion and (orientacion == "vertical") != (alto > ancho):
        lector.error("orientacion", f"no coincide con {ancho}x{alto}")
    ruta_web = lector.texto("ruta")
    if ruta_web and not ruta_web.startswith("/"):
        lector.error("ruta", f"debe empezar con '/' (se encontró: {ruta_web!r})")
    hay, flags = lector.valor("chromium_flags")
    if hay and (
        not isinstance(flags, list)
        or not all(isinstance(f, str) and f.startswith("--") and f.split() == [f] for f in flags)
    ):
        lector.error("chromium_flags", "debe ser una lista de opciones '--algo' sin espacios")
        flags = []
    elif hay:
        for requerida in ("--kiosk", *FLAGS_VOZ):
            if requerida not in flags:
                lector.error("chromium_flags", f"debe incluir {requerida}")
    inactividad = lector.entero_positivo("inactividad_s", 3600) if tipo == "kiosco" else None
    perfil = PerfilNavegador(
        nombre=ruta.stem,
        tipo=tipo,
        descripcion=lector.texto("descripcion"),
        orientacion=orientacion,  # type: ignore[arg-type]
        ancho_px=ancho,
        alto_px=alto,
        ruta=ruta_web,
        chromium_flags=tuple(flags or ()),
        inactividad_s=inactividad,
    )
    terminar(lector)
    return perfil


def _ruta_de(tipo: str, nombre: str, directorio: Path) -> Path:
    carpeta = _CARPETAS[tipo]
    ruta = directorio / carpeta / f"{nombre}.yaml"
    if not _NOMBRE.match(nombre) or not ruta.is_file():
        disponibles = ", ".join(sorted(p.stem for p in (directorio / carpeta).glob("*.yaml")))
        raise PerfilInvalido(
            [
                f"{nombre_visible(directorio / carpeta)}: no existe el perfil de {tipo} "
                f"{nombre!r} (hay: {disponibles})"
            ]
        )
    return ruta


def cargar_perfil_impresora(nombre: str, directorio: Path = DIRECTORIO) -> PerfilImpresora:
    return cargar_perfil_impresora_de(_ruta_de("impresora", nombre, directorio))


def cargar_perfil_kiosco(nombre: str, directorio: Path = DIRECTORIO) -> PerfilNavegador:
    return cargar_perfil_navegador_de(_ruta_de("kiosco", nombre, directorio), "kiosco")


def cargar_perfil_pantalla(nombre: str, directorio: Path = DIRECTORIO) -> PerfilNavegador:
    return cargar_perfil_navegador_de(_ruta_de("pantalla", nombre, directorio), "pantalla")


def _archivos(directorio: Path, carpeta: str) -> list[Path]:
    base = directorio / carpeta
    return sorted([*base.glob("*.yaml"), *base.glob("*.yml")])


def cargar_todos(directorio: Path = DIRECTORIO) -> Perfiles:
    """Carga todos los perfiles; reúne los errores de todos los archivos en un solo PerfilInvalido."""
    errores: list[str] = []
    impresoras: dict[str, PerfilImpresora] = {}
    kioscos: dict[str, PerfilNavegador] = {}
    pantallas: dict[str, PerfilNavegador] = {}
    for ruta in _archivos(directorio, "impresoras"):
        try:
            impresoras[ruta.stem] = cargar_perfil_impresora_de(ruta)
        except PerfilInvalido as exc:
            errores.extend(exc.errores)
    for tipo, destino in (("kiosco", kioscos), ("pantalla", pantallas)):
        for ruta in _archivos(directorio, _CARPETAS[tipo]):
            try:
                destino[ruta.stem] = cargar_perfil_navegador_de(ruta, tipo)  # type: ignore[arg-type]
            except PerfilInvalido as exc:
                errores.extend(exc.errores)
    if errores:
        raise PerfilInvalido(errores)
    return Perfiles(impresoras=impresoras, kioscos=kioscos, pantallas=pantallas)


def validar_todos(directorio: Path = DIRECTORIO) -> Perfiles:
    """Valida al arrancar: como `cargar_todos`, y además exige al menos un perfil de cada tipo."""
    perfiles = cargar_todos(directorio)
    faltan = [
        f"{nombre_visible(directorio / carpeta)}: no hay ningún perfil"
        for carpeta, cargados in (
            ("impresoras", perfiles.impresoras),
            ("kioscos", perfiles.kioscos),
            ("pantallas", perfiles.pantallas),
        )
        if not cargados
    ]
    if faltan:
        raise PerfilInvalido(faltan)
    return perfiles

"""Ticket de turno a bytes ESC/POS, con la impresora `Dummy` de python-escpos como renderizador.

python-escpos se importa aquí de forma diferida: al importarse llama `logging.basicConfig()` y
crea un directorio temporal. La aplicación puede llamar `precargar()` al arrancar, antes de
configurar su logging, para pagar ese costo una vez y no en el primer turno.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import qrcode
from PIL import Image

from firmware_config.perfiles import DIRECTORIO, PerfilImpresora
from firmware_config.validacion import PerfilInvalido, nombre_visible
from kiosco.ticket import (
    ETIQUETAS_CLASE,
    TEXTO_QR,
    DatosTicket,
    envolver,
    texto_espera,
    texto_fecha,
    texto_personas,
)

# Ajustes del QR, medidos con bench/bench_ticket.py:
# - corrección M: aguanta manchas del papel térmico sin crecer tanto como Q/H;
# - máscara fija: las 8 máscaras son válidas según ISO 18004 y cualquier lector las acepta;
#   elegir la de menor penalización cuesta ~5 ms en Python puro (medido: 6.4 ms contra 1.0 ms
#   por QR), la mitad del presupuesto de 10 ms por ticket;
# - sin borde en la imagen: la zona blanca la dan el papel a los lados y un salto de línea
#   arriba y abajo (≥ 6 módulos), y así la imagen raster pesa menos;
# - módulo de 3 a 6 puntos buscando ~170 px de lado (≈ 21 mm a 203 dpi): con 200 px el QR
#   de una URL típica (versión 4) sube a 6 puntos por módulo y el ticket pasa de 4 a 5.5 KB.
_QR_CORRECCION = qrcode.constants.ERROR_CORRECT_M
_QR_MASCARA = 2
_QR_LADO_PX = 170
_QR_MODULO_MIN, _QR_MODULO_MAX = 3, 6
_QR_MODULO_NATIVO = 5


# Tipografía que CP850 no tiene y que suele venir de textos copiados de Word o de la web.
_SUSTITUTOS = str.maketrans(
    {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "}
)


def _lineas(texto: str, columnas: int, sangria: str = "") -> list[str]:
    return envolver(texto.translate(_SUSTITUTOS), columnas, sangria)


@functools.cache
def _escpos() -> tuple[ModuleType, ModuleType, ModuleType]:
    import escpos.capabilities as capabilities
    import escpos.magicencode as magicencode
    import escpos.printer as printer

    return capabilities, magicencode, printer


def precargar(perfiles: Iterable[PerfilImpresora] = ()) -> None:
    """Importa python-escpos y prepara cada perfil; llamar al arrancar, antes del logging.

    Levanta `PerfilInvalido` si algún `perfil_escpos` no existe en python-escpos o no admite
    la tabla de caracteres, para que el error salga al arrancar y no con el primer turno.
    """
    _escpos()
    for perfil in perfiles:
        _perfil_escpos(perfil)


def _archivo(perfil: PerfilImpresora) -> str:
    return nombre_visible(DIRECTORIO / "impresoras" / f"{perfil.nombre}.yaml")


@functools.lru_cache(maxsize=64)
def _perfil_escpos(perfil: PerfilImpresora) -> tuple[Any, Any]:
    """Perfil de python-escpos con el ancho y las capacidades de nuestro perfil, y su codificador.

    Se copia el perfil base: sus datos son un diccionario de clase compartido por todo el proceso
    y no queremos que un perfil cambie el ancho de otro.
    """
    capabilities, magicencode, _ = _escpos()
    try:
        base = capabilities.get_profile_class(perfil.perfil_escpos)
    except KeyError:
        raise PerfilInvalido(
            [
                f"{_archivo(perfil)}: campo 'perfil_escpos' no existe en python-escpos "
                f"(se encontró: {perfil.perfil_escpos!r})"
            ]
        ) from None
    datos = copy.deepcopy(base.profile_data)
    datos["media"]["width"]["pixels"] = perfil.ancho_papel_px
    funciones = dict(datos["features"])
    funciones["paperFullCut"] = funciones["paperPartCut"] = perfil.cortador
    funciones["qrCode"] = perfil.qr_nativo
    datos["features"] = funciones
    clase = type(f"PerfilTurnos_{perfil.nombre}", (capabilities.Profile,), {"profile_data": datos})
    perfil_escpos = clase(columns=perfil.columnas, features=funciones)
    if perfil.codepage not in perfil_escpos.get_code_pages():
        raise PerfilInvalido(
            [
                f"{_archivo(perfil)}: campo 'codepage' {perfil.codepage} no está en el perfil "
                f"{perfil.perfil_escpos!r} de python-escpos"
            ]
        )
    # El codificador guarda en caché el mapa de caracteres de la tabla: compartirlo evita
    # reconstruirlo en cada ticket.
    codificador = magicencode.Encoder(perfil_escpos.get_code_pages())
    return perfil_escpos, codificador


def imagen_qr(contenido: str, ancho_max_px: int) -> Image.Image:
    """QR en blanco y negro, sin borde, con módulos de tamaño entero de puntos."""
    qr = qrcode.QRCode(
        error_correction=_QR_CORRECCION, box_size=1, border=0, mask_pattern=_QR_MASCARA
    )
    qr.add_data(contenido)
    qr.make(fit=True)
    matriz = qr.get_matrix()
    n = len(matriz)
    modulo = max(_QR_MODULO_MIN, min(_QR_MODULO_MAX, _QR_LADO_PX // n))
    modulo = max(1, min(modulo, ancho_max_px // n))
    pixeles = bytes(0 if oscuro else 255 for fila in matriz for oscuro in fila)
    imagen = Image.frombytes("L", (n, n), pixeles)
    return imagen.resize((n * modulo, n * modulo), Image.Resampling.NEAREST)


def renderizar_ticket(datos: DatosTicket, perfil: PerfilImpresora) -> bytes:
    """Bytes ESC/POS listos para enviar a la impresora del perfil."""
    _, _, printer = _escpos()
    perfil_escpos, codificador = _perfil_escpos(perfil)
    p = printer.Dummy(profile=perfil_escpos, magic_encode_args={"encoder": codificador})
    cols = perfil.columnas

    p.hw("INIT")
    # Después de elegir el perfil: el cambio automático de tabla elige CP857 para Á/É/Í y los
    # clones lo imprimen mal. Forzada, la tabla ya no cambia en todo el ticket.
    p.charcode(perfil.codepage)

    p.set(align="center", bold=True)
    for linea in _lineas(datos.centro, cols):
        p.textln(linea)
    p.set(bold=False)
    p.ln()
    p.textln("Su turno es")
    p.set(double_width=True, double_height=True, bold=True)
    p.textln(datos.folio.translate(_SUSTITUTOS))
    p.set(normal_textsize=True, bold=False)
    p.textln(ETIQUETAS_CLASE[datos.clase])
    p.ln()

    p.set(align="left")
    for linea in _lineas(f"Trámite: {datos.tramite}", cols, "  "):
        p.textln(linea)
    for texto in (texto_fecha(datos.emitido), texto_personas(datos.personas_delante)):
        for linea in _lineas(texto, cols):
            p.textln(linea)
    p.set(bold=True)
    for linea in _lineas(texto_espera(datos.espera_min, datos.espera_max), cols):
        p.textln(linea)
    p.set(bold=False)

    # Centrado por la impresora (ESC a 1): centrar la imagen a lo ancho del papel la triplica.
    p.set(align="center")
    p.ln()
    if perfil.qr_nativo:
        p.qr(datos.url_seguimiento, ec=1, size=_QR_MODULO_NATIVO, native=True)  # 1 = nivel M
    else:
        imagen = imagen_qr(datos.url_seguimiento, perfil.ancho_papel_px)
        p.image(imagen, impl="bitImageRaster")
    p.ln()
    for linea in _lineas(TEXTO_QR, cols):
        p.textln(linea)
    if datos.pie:
        p.ln()
        for texto in datos.pie:
            for linea in _lineas(texto, cols):
                p.textln(linea)

    if perfil.cortador:
        p.cut()  # avanza 6 renglones y corta (GS V)
    else:
        p.print_and_feed(4)  # que el ticket pase la barra de corte manual
    salida: bytes = p.output  # python-escpos no trae tipos
    return salida

"""Contenido del ticket de turno: datos, textos en es-MX y estimación de espera.

Puro: no imprime, no lee el reloj, no importa python-escpos (eso vive en `escpos_render`).
`renderizar_ticket` se reexporta aquí para que quien emite un turno use un solo módulo.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from firmware_config.perfiles import PerfilImpresora
from turnos.tiempo import texto_dia

Clase = Literal["general", "preferente", "cita"]

ETIQUETAS_CLASE: dict[str, str] = {
    "general": "Turno general",
    "preferente": "Atención preferente",
    "cita": "Cita programada",
}


# Redondeo del rango mostrado: un ciudadano planea en bloques de 5 minutos, no en minutos sueltos.
_PASO_MIN = 5


@dataclass(frozen=True)
class DatosTicket:
    centro: str
    folio: str
    tramite: str
    clase: Clase
    emitido: datetime  # con zona horaria, ya en hora local del centro
    personas_delante: int
    espera_min: int | None  # minutos; None = sin estimación
    espera_max: int | None
    url_seguimiento: str
    pie: tuple[str, ...] = ()  # horario, costo o "Este trámite es gratuito", cómo denunciar

    def __post_init__(self) -> None:
        if self.clase not in ETIQUETAS_CLASE:
            raise ValueError(f"clase de turno desconocida: {self.clase!r}")
        if self.emitido.tzinfo is None or self.emitido.utcoffset() is None:
            raise ValueError("emitido debe llevar zona horaria (hora local del centro)")
        if self.personas_delante < 0:
            raise ValueError("personas_delante no puede ser negativo")
        if (self.espera_min is None) != (self.espera_max is None):
            raise ValueError("espera_min y espera_max van juntos o ambos en None")
        if self.espera_min is not None and not 0 <= self.espera_min <= self.espera_max:  # type: ignore[operator]
            raise ValueError("se requiere 0 <= espera_min <= espera_max")
        if not self.folio.strip():
            raise ValueError("el folio no puede estar vacío")


def rango_minutos(min_s: int | None, max_s: int | None) -> tuple[int, int] | None:
    """El rango del estimador (segundos, `turnos.dominio.espera`) en minutos para mostrar.

    El mínimo baja y el máximo sube al múltiplo de 5 (nunca se promete de más) y el rango tiene
    al menos 5 minutos. None = sin estimación (ninguna ventanilla abierta atiende el trámite).
    """
    if min_s is None or max_s is None:
        return None
    if not 0 <= min_s <= max_s:
        raise ValueError("se requiere 0 <= min_s <= max_s")
    minimo = math.floor(min_s / 60 / _PASO_MIN) * _PASO_MIN
    maximo = math.ceil(max_s / 60 / _PASO_MIN) * _PASO_MIN
    return minimo, max(maximo, minimo + _PASO_MIN)


def texto_fecha(momento: datetime) -> str:
    """'viernes 21 de noviembre de 2025, 10:35 h' (sin depender del locale del sistema)."""
    return f"{texto_dia(momento)} de {momento.year}, {momento:%H:%M} h"


def texto_espera(espera_min: int | None, espera_max: int | None) -> str:
    if espera_min is None or espera_max is None:
        return "Espera estimada: sin estimación por ahora"
    if espera_max == espera_min:
        return f"Espera estimada: {espera_max} min"
    return f"Espera estimada: {espera_min} a {espera_max} min"


def texto_personas(personas_delante: int) -> str:
    if personas_delante == 0:
        return "Usted es el siguiente turno"
    if personas_delante == 1:
        return "1 persona antes que usted"
    return f"{personas_delante} personas antes que usted"


# Sin prometer la encuesta: llegará con su propio issue (tableta y QR).
TEXTO_QR = "Escanee el código para seguir su turno en su celular."


def envolver(texto: str, columnas: int, sangria: str = "") -> list[str]:
    return textwrap.wrap(texto, width=columnas, subsequent_indent=sangria) or [""]


def renderizar_texto(datos: DatosTicket) -> str:
    """Versión en texto plano del ticket, para mostrarla en pantalla si la impresión falla.

    Sin cortes de renglón: la pantalla del kiosco acomoda el texto a su ancho.
    """
    lineas = [
        datos.centro,
        "",
        f"Turno: {datos.folio}",
        ETIQUETAS_CLASE[datos.clase],
        f"Trámite: {datos.tramite}",
        texto_fecha(datos.emitido),
        texto_personas(datos.personas_delante),
        texto_espera(datos.espera_min, datos.espera_max),
        "",
        TEXTO_QR,
        datos.url_seguimiento,
    ]
    if datos.pie:
        lineas += ["", *datos.pie]
    return "\n".join(lineas) + "\n"


def renderizar_ticket(datos: DatosTicket, perfil: PerfilImpresora) -> bytes:
    """Bytes ESC/POS del ticket para el perfil de impresora (ver `kiosco.escpos_render`)."""
    # Importación diferida: python-escpos configura logging y crea un directorio al importarse.
    from kiosco.escpos_render import renderizar_ticket as _renderizar

    return _renderizar(datos, perfil)

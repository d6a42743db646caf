"""Valores ya preparados para las páginas (kiosco y /t/{token}): textos en es-MX y QR en SVG.

Las plantillas y el JS solo muestran lo que sale de aquí; ninguna regla vive en el navegador.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import qrcode

from kiosco.ticket import (
    ETIQUETAS_CLASE,
    TEXTO_QR,
    DatosTicket,
    texto_espera,
    texto_fecha,
    texto_personas,
)
from turnos.dominio.estados import TRANSICIONES, Accion, EstadoTurno

PREFERENTE_EXPLICACION = (
    "Es para personas adultas mayores, personas con discapacidad y mujeres embarazadas. "
    "Le llamarán antes, sin dejar de atender a los demás."
)


def qr_svg(contenido: str) -> dict[str, Any]:
    """QR como trazo SVG: {"lado": módulos, "d": ruta}. Sin imágenes ni librerías en la página."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(contenido)
    qr.make(fit=True)
    partes: list[str] = []
    for y, fila in enumerate(qr.get_matrix()):
        x = 0
        while x < len(fila):
            if fila[x]:
                inicio = x
                while x < len(fila) and fila[x]:
                    x += 1
                partes.append(f"M{inicio} {y}h{x - inicio}v1h-{x - inicio}z")
            else:
                x += 1
    return {"lado": len(qr.get_matrix()), "d": "".join(partes)}


def texto_costo(costo: str) -> str:
    limpio = costo.strip()
    if not limpio:
        return ""
    if limpio.lower().startswith(("gratuito", "gratis", "sin costo")):
        return "Este trámite es gratuito"
    return f"Costo: {limpio}"


def pie_ticket(pie_centro: Sequence[str], horario_texto: str, costo: str) -> tuple[str, ...]:
    """Costo del trámite, horario (si el centro no lo puso ya) y las líneas del centro."""
    lineas = [texto_costo(costo)] if texto_costo(costo) else []
    if not any(linea.lower().startswith("horario") for linea in pie_centro):
        lineas.append(f"Horario: {horario_texto}")
    return (*lineas, *pie_centro)


# Nombre de cada letra para la lectura en voz alta: «A-023» se dice «a 23» (como la pantalla).
LETRAS = {
    "A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "efe", "G": "ge", "H": "hache",
    "I": "i", "J": "jota", "K": "ka", "L": "ele", "M": "eme", "N": "ene", "Ñ": "eñe", "O": "o",
    "P": "pe", "Q": "cu", "R": "erre", "S": "ese", "T": "te", "U": "u", "V": "ve",
    "W": "doble ve", "X": "equis", "Y": "ye", "Z": "zeta",
}  # fmt: skip


def folio_hablado(folio: str) -> str:
    """«A-023» → «a 23»: letras por su nombre y el número sin ceros a la izquierda."""
    letras = "".join(ch for ch in folio if ch.isalpha())
    digitos = "".join(ch for ch in folio if ch.isdigit())
    partes = [LETRAS.get(ch.upper(), ch) for ch in letras]
    if digitos:
        partes.append(str(int(digitos)))
    return " ".join(partes) or folio


def lectura_ticket(datos: DatosTicket) -> str:
    """Lo que el modo asistido del kiosco dice al emitir: folio, trámite, fila y espera."""
    return (
        f"Su turno es {folio_hablado(datos.folio)}. Trámite: {datos.tramite}. "
        f"{texto_personas(datos.personas_delante)}. "
        f"{texto_espera(datos.espera_min, datos.espera_max)}."
    )


def vista_ticket(datos: DatosTicket) -> dict[str, Any]:
    """El ticket como se muestra en la pantalla del kiosco (también si la impresión falla)."""
    return {
        "folio": datos.folio,
        "centro": datos.centro,
        "tramite": datos.tramite,
        "clase": ETIQUETAS_CLASE[datos.clase],
        "fecha": texto_fecha(datos.emitido),
        "personas": texto_personas(datos.personas_delante),
        "espera": texto_espera(datos.espera_min, datos.espera_max),
        "url": datos.url_seguimiento,
        "texto_qr": TEXTO_QR,
        "qr": qr_svg(datos.url_seguimiento),
        "lectura": lectura_ticket(datos),
    }


MENSAJES_IMPRESION = {
    "impreso": "Tome su ticket impreso.",
    "fallido": (
        "No pudimos imprimir su ticket. Tome una foto de esta pantalla o anote su folio; "
        "con el código puede seguir su turno en el celular."
    ),
    "pendiente": (
        "Su ticket se está imprimiendo. Si no sale, tome una foto de esta pantalla "
        "o anote su folio."
    ),
    "sin_impresora": "Este kiosco no imprime tickets. Tome una foto de esta pantalla o anote su folio.",
}


def _ventanilla(v: dict[str, Any] | None) -> str:
    if not v:
        return "la ventanilla indicada"
    return str(v.get("nombre") or f"Ventanilla {v['numero']}")


def _ausente(ausencia: dict[str, Any] | None) -> tuple[str, str]:
    """Mientras la ventanilla aún puede reincorporarlo, no se le dice «tome un turno nuevo»."""
    if ausencia is not None and not ausencia.get("definitiva", True):
        return (
            "Lo llamamos y no se presentó",
            f"Acérquese pronto a {_ventanilla(ausencia.get('ventanilla'))}: todavía pueden"
            " atenderle con este turno.",
        )
    return ("No se presentó", "Le llamamos y no se presentó. Puede tomar un turno nuevo.")


def _estado(publico: dict[str, Any]) -> tuple[str, str]:
    """(título, detalle) del estado del turno."""
    estado = publico["estado"]
    v = _ventanilla(publico.get("ventanilla"))
    textos = {
        "en_espera": ("En espera", "Le avisaremos aquí cuando sea su turno."),
        "llamado": (f"¡Es su turno! Pase a {v}", "Le están esperando."),
        "en_atencion": (f"En atención en {v}", "Le están atendiendo."),
        "atendido": ("Atendido", "Gracias por su visita."),
        "ausente": _ausente(publico.get("ausencia")),
        "cancelado": ("Cancelado", "Este turno ya no está en la fila."),
        "transferido": ("Transferido", "Su turno pasó a otro trámite."),
        "expirado": ("Vencido", "El turno venció al cierre del día."),
    }
    return textos.get(estado, (estado, ""))


def vista_seguimiento(publico: dict[str, Any], rango: tuple[int, int] | None) -> dict[str, Any]:
    """Lo que muestra /t/{token} a partir de `emision.estado_publico` (sin datos personales)."""
    estado = publico["estado"]
    en_espera = estado == EstadoTurno.EN_ESPERA
    titulo, detalle = _estado(publico)
    cancelable = (EstadoTurno(estado), Accion.CANCELAR) in TRANSICIONES
    return {
        "folio": publico["folio"],
        "centro": publico["centro_nombre"],
        "tramite": publico["tramite_nombre"],
        "clase": ETIQUETAS_CLASE.get(publico["clase"], publico["clase"]),
        "estado": estado,
        "titulo": titulo,
        "detalle": detalle,
        "llamado": estado == EstadoTurno.LLAMADO,
        "personas": texto_personas(publico["personas_delante"]) if en_espera else "",
        "espera": texto_espera(*(rango or (None, None))) if en_espera else "",
        "puede_cancelar": cancelable,
        "terminado": not cancelable
        and estado != EstadoTurno.EN_ATENCION
        and (publico.get("ausencia") or {}).get("definitiva", True),
    }

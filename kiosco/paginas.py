"""Datos ya preparados de la página del kiosco: catálogo por categoría, horario y avisos."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosco.vista import PREFERENTE_EXPLICACION, texto_costo
from turnos.db.almacen import Almacen
from turnos.dominio.horario import texto_horario, verificar_emision
from turnos.errores import FueraDeHorario
from turnos.servicios import catalogo, consultas, voz

SIN_CATEGORIA = "Otros trámites"
# Ícono de cada categoría (símbolos de static/iconos.svg), derivado de su nombre: la primera
# palabra clave que aparezca decide; si ninguna, el ícono genérico de trámite.
ICONOS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("auto", ("movilidad", "vehic", "transporte", "licencia", "placa", "tránsito", "transito")),
    ("pago", ("pago", "predial", "impuesto", "tesorer", "recaud", "finanz", "caja")),
    ("documento", ("registro", "acta", "civil", "document", "certific", "constancia")),
    ("salud", ("salud", "médic", "medic", "clínic", "clinic")),
    ("casa", ("servicio", "agua", "vivienda", "predio", "catastro", "obra")),
    ("persona", ("atención", "atencion", "ciudadan", "orientación", "orientacion", "queja")),
)
ICONO_GENERICO = "tramite"
INACTIVIDAD_S = 60  # perfil kiosco_vertical/horizontal: inactividad_s
REGRESO_IMPRESO_S = 20  # con el ticket en la mano basta un momento para leer el folio
REGRESO_SIN_TICKET_S = 90  # tiempo para fotografiar la pantalla


def _costo(costo: str) -> str:
    if texto_costo(costo) == "Este trámite es gratuito":
        return "Gratuito: este trámite no tiene costo"
    return costo.strip() or "Pregunte en ventanilla"


def _tramite(t: dict[str, Any]) -> dict[str, Any]:
    requisitos = [r.strip(" -•\t") for r in t["requisitos"].splitlines() if r.strip(" -•\t")]
    return {
        "clave": t["clave"],
        "nombre": t["nombre"],
        "descripcion": t["descripcion"],
        "requisitos": requisitos,
        "costo": _costo(t["costo"]),
        "plazo": t["plazo_respuesta"],
        "modalidad": t["modalidad"],
        "url_en_linea": t["url_en_linea"],
    }


def icono_categoria(nombre: str) -> str:
    """El símbolo SVG de una categoría de trámite (p. ej. «Movilidad» → "auto")."""
    minusculas = nombre.lower()
    for icono, claves in ICONOS:
        if any(c in minusculas for c in claves):
            return icono
    return ICONO_GENERICO


def aviso_horario(c: consultas.CentroInfo, ahora: datetime) -> str:
    """El mensaje de fuera de horario o de tolerancia, o "" si ahora se emiten turnos."""
    try:
        verificar_emision(
            c.horario, c.inhabiles, c.tolerancia_min, ahora.astimezone(ZoneInfo(c.zona))
        )
    except FueraDeHorario as exc:
        return exc.mensaje
    return ""


def datos_kiosco(alm: Almacen, slug: str, ahora: datetime) -> dict[str, Any]:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        tramites = catalogo.listar_tramites(conn, c.id)
        config_voz = voz.leer_config(conn, c.id)
    categorias: dict[str, list[dict[str, Any]]] = {}
    for t in tramites:  # ya vienen por `orden`: la categoría toma el lugar de su primer trámite
        categorias.setdefault(t["categoria"].strip() or SIN_CATEGORIA, []).append(_tramite(t))
    return {
        "centro": {"slug": c.slug, "nombre": c.nombre, "mensajes": c.mensajes},
        "horario": texto_horario(c.horario),
        "aviso_horario": aviso_horario(c, ahora),
        "categorias": [
            {"nombre": k, "icono": icono_categoria(k), "tramites": v} for k, v in categorias.items()
        ],
        "preferente": PREFERENTE_EXPLICACION,
        "inactividad_s": INACTIVIDAD_S,
        # Modo asistido: la misma voz sin conexión que las pantallas (configurada en /admin).
        "voz": {
            "nombre": config_voz.nombre,
            "velocidad": config_voz.velocidad,
            "idiomas": ",".join(voz.IDIOMAS),
        },
    }

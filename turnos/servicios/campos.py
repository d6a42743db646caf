"""Campos del catálogo: qué lleva un trámite, sus límites, cómo se llaman para una persona y su
validación (formularios del admin, importación y API comparten estas reglas)."""

from __future__ import annotations

import re
from typing import Any

from turnos.dominio.numeracion import prefijo_valido
from turnos.enteros import entero
from turnos.errores import EntradaInvalida

# Campos del trámite: nombre -> tipo ("texto", "entero", "entero?", "bool").
CAMPOS_TRAMITE: dict[str, str] = {
    "clave": "texto",
    "nombre": "texto",
    "prefijo": "texto",
    "categoria": "texto",
    "descripcion": "texto",
    "requisitos": "texto",
    "costo": "texto",
    "plazo_respuesta": "texto",
    "modalidad": "texto",
    "fundamento": "texto",
    "unidad_responsable": "texto",
    "nivel_digitalizacion": "entero",
    "url_en_linea": "texto",
    "espera_maxima_min": "entero?",
    "atencion_maxima_min": "entero?",
    "orden": "entero?",  # vacío: al final (nuevo) o donde estaba (edición)
    "activo": "bool",
}
# Longitud máxima de cada texto: un nombre de 10 000 caracteres rompía el kiosco y la pantalla.
LONGITUDES: dict[str, int] = {
    "clave": 20,
    "nombre": 120,
    "prefijo": 3,
    "categoria": 100,
    "descripcion": 1000,
    "requisitos": 2000,
    "costo": 200,
    "plazo_respuesta": 200,
    "modalidad": 100,
    "fundamento": 1000,
    "unidad_responsable": 200,
    "url_en_linea": 500,
}
NOMBRE_CENTRO_MAX = 200
NOMBRE_VENTANILLA_MAX = 100
LINEA_MENSAJE_MAX = 200
# Cómo se llama cada campo para una persona (formularios y mensajes de error).
ETIQUETAS: dict[str, str] = {
    "clave": "Clave",
    "nombre": "Nombre",
    "prefijo": "Prefijo del folio (letra del ticket)",
    "categoria": "Categoría",
    "descripcion": "Descripción",
    "requisitos": "Requisitos (uno por línea)",
    "costo": "Costo",
    "plazo_respuesta": "Plazo de respuesta",
    "modalidad": "Modalidad",
    "fundamento": "Fundamento jurídico",
    "unidad_responsable": "Unidad responsable",
    "nivel_digitalizacion": "Nivel de digitalización (0 presencial a 4 en línea)",
    "url_en_linea": "Dirección para hacerlo en línea",
    "espera_maxima_min": "Espera máxima (minutos)",
    "atencion_maxima_min": "Atención máxima (minutos)",
    "orden": "Orden en el kiosco",
    "activo": "Activo",
    "tolerancia_min": "Tolerancia (minutos)",
}
MAXIMO_CATALOGO = 1_000_000  # minutos, orden, niveles: cabe en INTEGER de cualquier BD
CLAVE = re.compile(r"^[A-Z0-9_-]{1,20}$")
SLUG = re.compile(r"^[a-z0-9-]{2,60}$")


def convertir(campo: str, tipo: str, valor: Any) -> Any:
    if tipo == "texto":
        return "" if valor is None else str(valor).strip()
    if tipo == "bool":
        if isinstance(valor, bool):
            return valor
        return str(valor).strip().lower() in ("1", "si", "sí", "true", "verdadero", "on")
    if valor is None or str(valor).strip() == "":
        if tipo == "entero?":
            return None
        return 0
    if str(valor).strip().startswith("-"):
        raise EntradaInvalida(f"«{ETIQUETAS.get(campo, campo)}» no puede ser negativo.")
    return entero(valor, ETIQUETAS.get(campo, campo), minimo=0, maximo=MAXIMO_CATALOGO)


def minutos_de_formulario(valor: Any, etiqueta: str) -> int:
    """Un número entero de minutos ≥ 0 escrito en un formulario; error claro si no lo es."""
    if str(valor or 0).strip().startswith("-"):
        raise EntradaInvalida(f"«{etiqueta}» no puede ser negativo.")
    return entero(valor or 0, etiqueta, minimo=0, maximo=MAXIMO_CATALOGO)


def limitar(valor: str, etiqueta: str, maximo: int) -> str:
    if len(valor) > maximo:
        raise EntradaInvalida(
            f"«{etiqueta}» admite hasta {maximo} caracteres (tiene {len(valor)})."
        )
    return valor


def limpiar_tramite(datos: dict[str, Any]) -> dict[str, Any]:
    """Valida y normaliza un trámite; mensajes claros por campo."""
    desconocidos = set(datos) - set(CAMPOS_TRAMITE)
    if desconocidos:
        raise EntradaInvalida(
            f"Campos desconocidos en el trámite: {', '.join(sorted(desconocidos))}."
        )
    limpio = {c: convertir(c, t, datos.get(c)) for c, t in CAMPOS_TRAMITE.items()}
    for campo, maximo in LONGITUDES.items():
        limitar(limpio[campo], ETIQUETAS[campo], maximo)
    if "activo" not in datos:
        limpio["activo"] = True
    limpio["clave"] = limpio["clave"].upper()
    limpio["prefijo"] = limpio["prefijo"].upper()
    if not CLAVE.match(limpio["clave"]):
        raise EntradaInvalida("La clave del trámite: de 1 a 20 letras mayúsculas, números, - o _.")
    if not limpio["nombre"]:
        raise EntradaInvalida(f"El trámite {limpio['clave']} necesita un nombre.")
    if not prefijo_valido(limpio["prefijo"]):
        raise EntradaInvalida(
            f"El prefijo del trámite {limpio['clave']}: de 1 a 3 letras (A-Z), sin I, O, Q, S"
            " ni Z, que a distancia se leen como 1, 0, 5 o 2."
        )
    if not 0 <= limpio["nivel_digitalizacion"] <= 4:
        raise EntradaInvalida("El nivel de digitalización va de 0 (presencial) a 4 (en línea).")
    return limpio

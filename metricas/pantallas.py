"""Pantallas del centro en el tablero: «voz: sí/no, audio: sí/no» de cada una, con alertas.

Cada pantalla informa por su websocket si tiene voz en español y si el audio está permitido
(turnos.servicios.voz); aquí solo se preparan textos y niveles. Una pantalla muda nunca pasa
en silencio: genera una alerta crítica.
"""

from __future__ import annotations

from typing import Any

_SI_NO = {True: "sí", False: "no"}


def fila(p: dict[str, Any], alertas: list[dict[str, str]]) -> dict[str, str]:
    """Una pantalla (de ``voz.pantallas``) lista para mostrar; agrega sus alertas."""
    nombre, inf = p["nombre"], p["informe"]
    if inf is None:
        return {
            "nombre": nombre,
            "conexion": "Sin informe",
            "voz": "—",
            "audio": "—",
            "detalle": "Nunca se ha conectado",
            "nivel": "alerta",
        }
    conectada = bool(inf.get("conectada"))
    detalle = inf.get("voz_nombre") or ""
    if inf.get("idioma"):
        detalle = f"{detalle} ({inf['idioma']})".strip()
    problemas = []
    if not inf["voz"]:
        problemas.append("sin voz en español")
    if not inf["audio"]:
        problemas.append("con el audio bloqueado")
    if inf.get("error"):
        detalle = f"{detalle} · error: {inf['error']}".strip(" ·")
    if conectada and problemas:
        alertas.append({"nivel": "critico", "texto": f"Pantalla {nombre} {' y '.join(problemas)}."})
    elif not conectada:
        alertas.append({"nivel": "alerta", "texto": f"Pantalla {nombre} sin conexión."})
    return {
        "nombre": nombre,
        "conexion": "Conectada" if conectada else "Sin conexión",
        "voz": _SI_NO[bool(inf["voz"])],
        "audio": _SI_NO[bool(inf["audio"])],
        "detalle": detalle,
        "nivel": "critico" if problemas else ("ok" if conectada else "alerta"),
    }

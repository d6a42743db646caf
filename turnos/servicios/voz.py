"""Voz de las pantallas: su configuración por centro y lo que cada pantalla informa de su sonido.

Ambas cosas viven en la tabla ``ajuste`` (clave → JSON), sin migración:
``voz:{centro_id}`` guarda nombre de voz, velocidad y volumen; ``pantalla_voz:{dispositivo_id}``
el último informe de la pantalla (¿tiene voz en español?, ¿el audio está permitido?). El
informe no es un evento de la bitácora: es telemetría del aparato, no un cambio de estado.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen
from turnos.errores import EntradaInvalida

# Orden de preferencia de idioma; "es" = cualquier español.
IDIOMAS = ("es-MX", "es-419", "es-US", "es")
VELOCIDAD = (0.5, 2.0)
MAX_NOMBRE = 120
# La pantalla contesta cada latido del servidor (15 s); se guarda a lo más cada REGISTRO_S si
# nada cambia. Sin informe en VIGENCIA_S se considera desconectada.
REGISTRO_S = 60
VIGENCIA_S = 150

_UPSERT = text(
    "INSERT INTO ajuste (clave, valor) VALUES (:c, :v)"
    " ON CONFLICT (clave) DO UPDATE SET valor = excluded.valor"
)
_PANTALLAS = text(
    "SELECT d.id, d.nombre, a.valor FROM dispositivo d LEFT JOIN ajuste a"
    " ON a.clave = 'pantalla_voz:' || CAST(d.id AS VARCHAR(20))"
    " WHERE d.centro_id = :c AND d.tipo = 'pantalla' AND d.activo = true ORDER BY d.nombre"
)


@dataclass(frozen=True)
class ConfigVoz:
    nombre: str = ""  # vacío: la primera voz de IDIOMAS que tenga la pantalla
    velocidad: float = 0.9
    volumen: float = 1.0  # 0 a 1: campana y voz


def _clave_config(centro_id: int) -> str:
    return f"voz:{centro_id}"


def leer_config(conn: Connection, centro_id: int) -> ConfigVoz:
    valor = conn.execute(
        text("SELECT valor FROM ajuste WHERE clave = :c"), {"c": _clave_config(centro_id)}
    ).scalar()
    if not valor:
        return ConfigVoz()
    return ConfigVoz(**json.loads(valor))


def _numero(valor: Any, etiqueta: str, minimo: float, maximo: float) -> float:
    try:
        n = float(str(valor).strip().replace(",", "."))
    except ValueError:
        raise EntradaInvalida(f"{etiqueta}: escriba un número.") from None
    if not math.isfinite(n) or not minimo <= n <= maximo:
        raise EntradaInvalida(f"{etiqueta}: debe estar entre {minimo:g} y {maximo:g}.")
    return n


def validar_config(nombre: Any, velocidad: Any, volumen_pct: Any) -> ConfigVoz:
    """Valores del formulario de /admin (volumen en %), o EntradaInvalida con mensaje claro."""
    nombre = str(nombre or "").strip()
    if len(nombre) > MAX_NOMBRE:
        raise EntradaInvalida(f"Nombre de la voz: máximo {MAX_NOMBRE} caracteres.")
    return ConfigVoz(
        nombre=nombre,
        velocidad=_numero(velocidad, "Velocidad de la voz", *VELOCIDAD),
        volumen=_numero(volumen_pct, "Volumen", 0, 100) / 100,
    )


def guardar_config(alm: Almacen, centro_id: int, config: ConfigVoz) -> None:
    with alm.transaccion() as tx:
        tx.ejecutar(_UPSERT, {"c": _clave_config(centro_id), "v": json.dumps(asdict(config))})


def informe(mensaje: dict[str, Any]) -> dict[str, Any] | None:
    """El estado de sonido que manda la pantalla, limpio; None si no es un informe."""
    if mensaje.get("tipo") != "estado_pantalla":
        return None

    def texto(clave: str, largo: int) -> str | None:
        v = mensaje.get(clave)
        return v[:largo] if isinstance(v, str) and v else None

    return {
        "voz": mensaje.get("voz") is True,
        "audio": mensaje.get("audio") is True,
        "voz_nombre": texto("voz_nombre", MAX_NOMBRE),
        "idioma": texto("idioma", 20),
        "error": texto("error", 40),
    }


def registrar_informe(
    alm: Almacen, dispositivo_id: int, datos: dict[str, Any], ahora_ms: int, conectada: bool
) -> None:
    valor = json.dumps({**datos, "conectada": conectada, "visto_ms": ahora_ms})
    with alm.transaccion() as tx:
        tx.ejecutar(_UPSERT, {"c": f"pantalla_voz:{dispositivo_id}", "v": valor})


def pantallas(conn: Connection, centro_id: int, ahora_ms: int) -> list[dict[str, Any]]:
    """Cada pantalla activa del centro con su último informe (``informe`` None si no hay)."""
    filas = []
    for f in conn.execute(_PANTALLAS, {"c": centro_id}):
        datos = json.loads(f.valor) if f.valor else None
        if datos is not None and ahora_ms - int(datos["visto_ms"]) > VIGENCIA_S * 1000:
            datos["conectada"] = False
        filas.append({"id": f.id, "nombre": f.nombre, "informe": datos})
    return filas


def voces_informadas(conn: Connection, centro_id: int) -> list[str]:
    """Nombres de las voces que usan las pantallas del centro (sugerencias para /admin)."""
    nombres = {
        p["informe"]["voz_nombre"]
        for p in pantallas(conn, centro_id, 0)
        if p["informe"] and p["informe"].get("voz_nombre")
    }
    return sorted(nombres)

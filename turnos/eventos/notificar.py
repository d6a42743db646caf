"""El protocolo NOTIFY de los eventos públicos, sin depender de psycopg.

El núcleo ejecuta ``notificar_varios_sql(eventos)`` DESPUÉS del COMMIT del cambio, en una
transacción propia y corta (``turnos.db.almacen``): así nada se avisa si hubo rollback, y el
COMMIT del cambio no toma el candado global de la cola de NOTIFY (que PostgreSQL sostiene hasta
terminar el fsync y ponía en fila a todos los centros). Quien escucha es
``turnos.eventos.puente_pg``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

Evento = dict[str, Any]

CANAL = "turnos_eventos"
_NOMBRE_MAX = 63  # NAMEDATALEN - 1: un canal más largo, PostgreSQL lo rechaza o lo recorta


def canal_de(esquema: str) -> str:
    """El canal de una instalación: NOTIFY es de toda la BASE, así que dos instalaciones en
    esquemas distintos de la misma base (pruebas y producción, o pruebas en paralelo) oirían los
    eventos de la otra con sus `seq`. `public` conserva el nombre de siempre."""
    if esquema in ("", "public"):
        return CANAL
    canal = f"{CANAL}_{esquema}"
    if len(canal.encode()) > _NOMBRE_MAX:
        canal = f"{CANAL}_{hashlib.sha256(esquema.encode()).hexdigest()[:24]}"
    return canal


# PostgreSQL rechaza cargas de 8000 bytes o más; se deja margen.
MAXIMO_CARGA = 7900


def carga(evento: Evento) -> str:
    """JSON compacto; si no cabe, una referencia que los oyentes resuelven con replay."""
    texto = json.dumps(evento, ensure_ascii=False, separators=(",", ":"))
    if len(texto.encode()) < MAXIMO_CARGA:
        return texto
    ref = {"ref": True, "centro": evento["centro"], "seq": evento["seq"]}
    return json.dumps(ref, separators=(",", ":"))


def notificar_sql(
    evento: Evento, estilo: Literal["named", "pyformat"] = "named", canal: str = CANAL
) -> tuple[str, dict[str, str]]:
    """SQL y parámetros para ejecutar en la MISMA transacción que guarda el evento.

    ``named`` (``:payload``) sirve para ``sqlalchemy.text``; ``pyformat`` para psycopg.
    """
    if estilo == "named":
        consulta = "SELECT pg_notify(:canal, :payload)"
    else:
        consulta = "SELECT pg_notify(%(canal)s, %(payload)s)"
    return consulta, {"canal": canal, "payload": carga(evento)}


def notificar_varios_sql(eventos: list[Evento], canal: str = CANAL) -> tuple[str, dict[str, str]]:
    """Un solo ``SELECT pg_notify(...), pg_notify(...)`` (estilo ``named``) para varios eventos:
    una transacción y una ida y vuelta; PostgreSQL los entrega en ese orden."""
    columnas = ", ".join(f"pg_notify(:canal, :p{i})" for i in range(len(eventos)))
    params = {"canal": canal, **{f"p{i}": carga(e) for i, e in enumerate(eventos)}}
    return f"SELECT {columnas}", params

"""Conjuntos de preguntas por centro (/admin): la pregunta general siempre va; los reactivos
opcionales siguen las dimensiones de la ENCIG de INEGI (tiempo de atención, trato, información)
para comparar el centro con las cifras oficiales del estado."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen
from turnos.errores import EntradaInvalida
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import consultas
from turnos.tiempo import a_ms

PREGUNTA = "¿Cómo le atendimos hoy?"
MENSAJE_REPOSO = "Al terminar su trámite, díganos cómo le atendimos."
# Redacción cercana a la ENCIG (INEGI) para que las cifras sean comparables.
REACTIVOS = {
    "tiempo": "El tiempo que tardaron en atenderle",
    "trato": "El trato que recibió del personal",
    "informacion": "La claridad de la información que le dieron",
}

_LEER = text(
    "SELECT pregunta, reactivos, mensaje_reposo FROM encuesta_conjunto WHERE centro_id = :c"
)


def leer(conn: Connection, centro_id: int) -> dict[str, Any]:
    """Lo que pregunta el centro, con los textos listos para mostrar."""
    fila = conn.execute(_LEER, {"c": centro_id}).first()
    claves = [k for k in (fila.reactivos.split(",") if fila else []) if k in REACTIVOS]
    return {
        "pregunta": (fila.pregunta if fila else "") or PREGUNTA,
        "mensaje_reposo": (fila.mensaje_reposo if fila else "") or MENSAJE_REPOSO,
        "reactivos": [{"clave": k, "texto": REACTIVOS[k]} for k in claves],
    }


def reactivos_de(conn: Connection, centro_id: int) -> list[str]:
    return [r["clave"] for r in leer(conn, centro_id)["reactivos"]]


_GUARDAR_PG = (
    "INSERT INTO encuesta_conjunto (centro_id, pregunta, reactivos, mensaje_reposo,"
    " actualizado_ms) VALUES (:c, :p, :r, :m, :ms) ON CONFLICT (centro_id) DO UPDATE SET"
    " pregunta = :p, reactivos = :r, mensaje_reposo = :m, actualizado_ms = :ms"
)


def guardar(
    alm: Almacen,
    centro_slug: str,
    actor: Actor | None,
    ahora: datetime,
    *,
    pregunta: str,
    reactivos: list[str],
    mensaje_reposo: str,
) -> None:
    desconocidos = [r for r in reactivos if r not in REACTIVOS]
    if desconocidos:
        raise EntradaInvalida(f"Reactivos válidos: {', '.join(REACTIVOS)}.")
    pregunta, mensaje_reposo = pregunta.strip()[:200], mensaje_reposo.strip()[:200]
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        quien = exigir(actor, Permiso.ADMINISTRAR, c.id)
        elegidos = ",".join(k for k in REACTIVOS if k in reactivos)
        tx.ejecutar(
            text(_GUARDAR_PG),
            {"c": c.id, "p": pregunta, "r": elegidos, "m": mensaje_reposo, "ms": ms},
        )
        tx.evento(
            c.id,
            "encuesta_conjunto",
            ms,
            usuario_id=quien.usuario_id,
            datos={"reactivos": elegidos},
        )


def sembrar_demo(alm: Almacen, centro_slug: str, ahora: datetime) -> None:
    """El demo pregunta también por tiempo, trato e información (si aún no tiene conjunto)."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        existe = conn.execute(_LEER, {"c": c.id}).first() is not None
    if existe:
        return
    with alm.transaccion() as tx:
        tx.ejecutar(
            text(_GUARDAR_PG),
            {"c": c.id, "p": "", "r": ",".join(REACTIVOS), "m": "", "ms": a_ms(ahora)},
        )

"""Marcas de resultado por trámite (columna `tramite.marcas`, JSON) y la elegida al finalizar
(columna `turno.resultado`). Reglas puras en `dominio/resultados.py`; el reporte «resuelto en
primera visita» lo arma métricas (metricas/resultados.py) leyendo estas columnas."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen, Tx
from turnos.dominio.resultados import Marca, como_texto, elegir, leer_marcas
from turnos.errores import NoEncontrado
from turnos.servicios import consultas
from turnos.tiempo import a_ms

_MARCAS = text("SELECT marcas FROM tramite WHERE id = :t")
_GUARDAR = text("UPDATE tramite SET marcas = :m WHERE id = :t")


def desde_json(valor: str | None) -> list[Marca]:
    return [Marca(**m) for m in json.loads(valor or "[]")]


def marcas(conn: Connection, tramite_id: int) -> list[Marca]:
    return desde_json(conn.execute(_MARCAS, {"t": tramite_id}).scalar())


def validar(conn: Connection, tramite_id: int, clave: str) -> Marca | None:
    """La marca elegida al finalizar (400 claro si falta o no existe)."""
    return elegir(marcas(conn, tramite_id), clave or "")


def validar_en(tx: Tx, tramite_id: int, clave: str) -> Marca | None:
    """`validar` con las marcas de la caché del catálogo (tramite.marcas sube la versión)."""
    cat = tx.catalogo()
    lista = cat.get(("marcas", tramite_id))
    if lista is None:
        lista = cat[("marcas", tramite_id)] = tuple(marcas(tx.conn, tramite_id))
    return elegir(list(lista), clave or "")


def guardar_en(conn: Connection, tramite_id: int, valor: Any) -> list[Marca]:
    """Valida y guarda (en la transacción de quien llama: importación o administración)."""
    nuevas = leer_marcas(valor)
    datos = json.dumps([m.como_dict() for m in nuevas], ensure_ascii=False)
    conn.execute(_GUARDAR, {"m": datos, "t": tramite_id})
    return nuevas


def importar(tx: Any, centro_id: int, tramite_id: int, valor: Any, ms: int) -> None:
    """Campo ``marcas`` de la importación del catálogo (misma transacción, todo o nada)."""
    guardar_en(tx.conn, tramite_id, valor)


def guardar(alm: Almacen, centro_slug: str, clave: str, valor: Any, ahora: datetime) -> None:
    """Administración: las marcas del trámite `clave` (texto, una por línea; «+» = resuelve)."""
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        t = consultas.tramite(tx.conn, c.id, clave.strip().upper())
        nuevas = guardar_en(tx.conn, t.id, valor)
        tx.evento(
            c.id,
            "marcas_guardadas",
            a_ms(ahora),
            datos={"tramite": t.clave, "marcas": [m.clave for m in nuevas]},
        )


def por_tramite(conn: Connection, centro_id: int) -> dict[str, list[dict[str, Any]]]:
    """clave del trámite -> sus marcas (para la ventanilla y la administración)."""
    filas = conn.execute(
        text("SELECT clave, marcas FROM tramite WHERE centro_id = :c"), {"c": centro_id}
    )
    return {f.clave: [m.como_dict() for m in desde_json(f.marcas)] for f in filas}


def texto_de(conn: Connection, centro_id: int, clave: str) -> str:
    f = conn.execute(
        text("SELECT marcas FROM tramite WHERE centro_id = :c AND clave = :k"),
        {"c": centro_id, "k": clave},
    ).first()
    if f is None:
        raise NoEncontrado(f"No existe el trámite «{clave[:20]}».", "tramite_no_encontrado")
    return como_texto(desde_json(f.marcas))

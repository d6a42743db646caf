"""Catálogo del buzón por centro: unidades responsables, asuntos y la tabla de canalización
(tipo × asunto → unidad; '' = cualquiera). Lo usan la CLI, la demo y las pruebas."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import text

from buzon import reglas
from turnos.db.almacen import Almacen
from turnos.errores import EntradaInvalida, NoEncontrado
from turnos.servicios import consultas
from turnos.tiempo import a_ms


def _upsert(alm: Almacen, sql_upd: str, sql_ins: str, params: dict[str, Any]) -> int:
    with alm.transaccion() as tx:
        fila = tx.ejecutar(text(sql_upd), params).first()
        if fila is None:
            fila = tx.ejecutar(text(sql_ins), params).first()
        return int(fila[0])


def guardar_unidad(
    alm: Almacen, slug: str, clave: str, nombre: str, correo: str = "", demo: bool = False
) -> int:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
    return _upsert(
        alm,
        "UPDATE buzon_unidad SET nombre = :n, correo = :m, activa = true"
        " WHERE centro_id = :c AND clave = :k RETURNING id",
        "INSERT INTO buzon_unidad (centro_id, clave, nombre, correo, telefono, activa, demo)"
        " VALUES (:c, :k, :n, :m, '', true, :d) RETURNING id",
        {
            "c": c.id,
            "k": clave.strip().lower()[:30],
            "n": nombre[:200],
            "m": correo[:200],
            "d": demo,
        },
    )


def guardar_asunto(
    alm: Almacen, slug: str, clave: str, nombre: str, orden: int = 0, demo: bool = False
) -> int:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
    return _upsert(
        alm,
        "UPDATE buzon_asunto SET nombre = :n, orden = :o WHERE centro_id = :c AND clave = :k"
        " RETURNING id",
        "INSERT INTO buzon_asunto (centro_id, clave, nombre, orden, demo)"
        " VALUES (:c, :k, :n, :o, :d) RETURNING id",
        {"c": c.id, "k": clave.strip().lower()[:30], "n": nombre[:200], "o": orden, "d": demo},
    )


def guardar_ruta(
    alm: Almacen, slug: str, tipo: str, asunto: str, unidad: str, demo: bool = False
) -> int:
    if tipo and tipo not in reglas.TIPOS:
        raise EntradaInvalida(f"Tipo desconocido; use: {', '.join(reglas.TIPOS)}.")
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        u = conn.execute(
            text("SELECT id FROM buzon_unidad WHERE centro_id = :c AND clave = :k"),
            {"c": c.id, "k": unidad.strip().lower()},
        ).scalar()
    if u is None:
        raise NoEncontrado(f"No existe la unidad «{unidad}» en {slug}.")
    return _upsert(
        alm,
        "UPDATE buzon_ruta SET unidad_id = :u WHERE centro_id = :c AND tipo = :t AND asunto = :s"
        " RETURNING id",
        "INSERT INTO buzon_ruta (centro_id, tipo, asunto, unidad_id, demo)"
        " VALUES (:c, :t, :s, :u, :d) RETURNING id",
        {"c": c.id, "t": tipo, "s": asunto.strip().lower(), "u": u, "d": demo},
    )


def emitir_api_key(alm: Almacen, nombre: str, ahora: datetime) -> str:
    """Nueva api_key de Open311 para una aplicación cliente (se guarda solo su SHA-256)."""
    from buzon.open311 import huella_api_key

    clave = secrets.token_urlsafe(24)
    with alm.transaccion() as tx:
        tx.ejecutar(
            text("INSERT INTO buzon_cliente (nombre, clave_hash, creado_ms) VALUES (:n, :h, :ms)"),
            {"n": nombre[:100], "h": huella_api_key(clave), "ms": a_ms(ahora)},
        )
    return clave

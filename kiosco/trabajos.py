"""Trabajos de impresión en la base: crear, terminar (una sola vez), caducar, listar.

Funciones síncronas (van en el threadpool). El turno ya está confirmado antes de crear su
trabajo: imprimir nunca decide si un turno existe. Cada cambio de estado es un
`UPDATE … WHERE estado = 'pendiente'`: el primero que termina un trabajo gana (cola del
servidor, agente, barrido de caducados) y solo ese agrega el evento `impresion_fallida`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

import kiosco.tablas  # noqa: F401 - registra la tabla `impresion` en la metadata común
from turnos.db.almacen import Almacen, Tx
from turnos.servicios import consultas
from turnos.tiempo import iso

CADUCIDAD_S = 120  # un ticket que sale minutos después en un kiosco vacío solo confunde
ESQUEMA_AGENTE = "agente://"

_INSERTAR = text(
    "INSERT INTO impresion (clave, centro_id, turno_id, dispositivo_id, usuario_id, folio,"
    " impresora, perfil, datos, estado, intentos, motivo, reimpresion, creado_ms,"
    " actualizado_ms) VALUES (:clave, :c, :t, :d, :u, :folio, :impresora, :perfil, :datos,"
    " 'pendiente', 0, '', :r, :ms, :ms) RETURNING id"
)
_TERMINAR = text(
    "UPDATE impresion SET estado = :e, intentos = :i, motivo = :m, actualizado_ms = :ms"
    " WHERE id = :id AND estado = 'pendiente'"
)
_UNO = text(
    "SELECT i.id, i.clave, i.centro_id, i.turno_id, i.dispositivo_id, i.folio, i.impresora,"
    " i.estado, i.intentos, i.motivo, i.creado_ms, i.reimpresion, d.nombre AS dispositivo"
    " FROM impresion i LEFT JOIN dispositivo d ON d.id = i.dispositivo_id WHERE i.id = :id"
)


@dataclass(frozen=True)
class Trabajo:
    id: int
    clave: str
    impresora: str
    folio: str


def url_agente(nombre: str) -> str:
    return f"{ESQUEMA_AGENTE}{nombre}"


def destino(impresora_url: str, dispositivo: str) -> str:
    """URL con la que se guarda el trabajo. USB la atiende el agente del mismo kiosco."""
    if impresora_url.startswith("escpos+usb://"):
        return url_agente(dispositivo)
    return impresora_url


def crear(
    alm: Almacen,
    *,
    centro_id: int,
    turno_id: int,
    dispositivo_id: int | None,
    folio: str,
    impresora: str,
    perfil: str,
    datos: bytes,
    ahora_ms: int,
    usuario_id: int | None = None,
    reimpresion: bool = False,
) -> Trabajo:
    clave = uuid.uuid4().hex
    with alm.transaccion() as tx:
        tid = tx.ejecutar(
            _INSERTAR,
            {
                "clave": clave,
                "c": centro_id,
                "t": turno_id,
                "d": dispositivo_id,
                "u": usuario_id,
                "folio": folio,
                "impresora": impresora,
                "perfil": perfil,
                "datos": datos,
                "r": reimpresion,
                "ms": ahora_ms,
            },
        ).scalar_one()
        if reimpresion:
            tx.evento(
                centro_id,
                "ticket_reimpreso",
                ahora_ms,
                turno_id=turno_id,
                usuario_id=usuario_id,
                dispositivo_id=dispositivo_id,
                datos={"folio": folio, "trabajo": int(tid), "impresora": _sin_consulta(impresora)},
            )
    return Trabajo(int(tid), clave, impresora, folio)


def _sin_consulta(url: str) -> str:
    return url.split("?", 1)[0]


def _evento_falla(tx: Tx, fila: Any, motivo: str, intentos: int, ms: int) -> None:
    c = tx.ejecutar(
        text("SELECT slug, zona FROM centro WHERE id = :c"), {"c": fila.centro_id}
    ).one()
    datos = {
        "trabajo": fila.id,
        "folio": fila.folio,
        "impresora": _sin_consulta(fila.impresora),
        "dispositivo": fila.dispositivo or "",
        "motivo": motivo[:300],
        "intentos": intentos,
    }
    tx.evento(
        fila.centro_id,
        "impresion_fallida",
        ms,
        turno_id=fila.turno_id,
        dispositivo_id=fila.dispositivo_id,
        datos=datos,
        publico={"ts": iso(ms, c.zona), "centro": c.slug, "impresion": datos},
    )


def terminar(
    alm: Almacen, trabajo_id: int, impreso: bool, intentos: int, motivo: str, ahora_ms: int
) -> bool:
    """Marca el trabajo impreso o fallido si seguía pendiente. True si este llamado lo cerró."""
    estado = "impreso" if impreso else "fallido"
    with alm.transaccion() as tx:
        hecho = tx.ejecutar(
            _TERMINAR,
            {"e": estado, "i": intentos, "m": motivo[:300], "ms": ahora_ms, "id": trabajo_id},
        ).rowcount
        if hecho != 1:
            return False
        if not impreso:
            fila = tx.ejecutar(_UNO, {"id": trabajo_id}).one()
            _evento_falla(tx, fila, motivo or "Falla desconocida", intentos, ahora_ms)
    return True


def caducar(alm: Almacen, ahora_ms: int, caducidad_s: int = CADUCIDAD_S) -> int:
    """Falla los pendientes más viejos que `caducidad_s` (agente ausente, servidor reiniciado)."""
    limite = ahora_ms - caducidad_s * 1000
    with alm.lectura() as conn:
        viejos = [
            (i, imp)
            for i, imp in conn.execute(
                text(
                    "SELECT id, impresora FROM impresion WHERE estado = 'pendiente'"
                    " AND creado_ms < :l ORDER BY id"
                ),
                {"l": limite},
            )
        ]
    n = 0
    for trabajo_id, impresora in viejos:
        quien = "el agente del kiosco" if impresora.startswith(ESQUEMA_AGENTE) else "la impresora"
        motivo = f"Caducó: {quien} no confirmó la impresión en {caducidad_s} s"
        n += terminar(alm, trabajo_id, False, 0, motivo, ahora_ms)
    return n


def uno(conn: Connection, trabajo_id: int) -> Any:
    return conn.execute(_UNO, {"id": trabajo_id}).first()


def estado_de(alm: Almacen, trabajo_id: int) -> tuple[str, str]:
    with alm.lectura() as conn:
        fila = uno(conn, trabajo_id)
    return (fila.estado, fila.motivo) if fila else ("fallido", "El trabajo no existe")


def pendientes_agente(
    alm: Almacen, centro_id: int, nombre: str, ahora_ms: int
) -> list[dict[str, Any]]:
    """Trabajos vigentes para el agente `nombre` de `centro_id`, en orden de creación.

    El nombre solo es único dentro del centro: sin el filtro, el `kiosco-1` de otro centro
    recibiría estos tickets (folio y el QR que cancela el turno).
    """
    with alm.lectura() as conn:
        filas = conn.execute(
            text(
                "SELECT id, clave, folio, datos FROM impresion WHERE estado = 'pendiente'"
                " AND centro_id = :c AND impresora = :u AND creado_ms >= :l ORDER BY id"
            ),
            {"c": centro_id, "u": url_agente(nombre), "l": ahora_ms - CADUCIDAD_S * 1000},
        )
        return [dict(f._mapping) for f in filas]


def pendientes_servidor(alm: Almacen, ahora_ms: int) -> list[dict[str, Any]]:
    """Trabajos vigentes de impresoras del servidor (al arrancar, tras un reinicio)."""
    with alm.lectura() as conn:
        filas = conn.execute(
            text(
                "SELECT id, folio, impresora, datos FROM impresion WHERE estado = 'pendiente'"
                " AND impresora NOT LIKE 'agente://%' AND creado_ms >= :l ORDER BY id"
            ),
            {"l": ahora_ms - CADUCIDAD_S * 1000},
        )
        return [dict(f._mapping) for f in filas]


def listar(alm: Almacen, centro_slug: str, estado: str | None, limite: int = 50) -> dict[str, Any]:
    """Trabajos recientes del centro para el personal (sin datos personales)."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        filtro = " AND i.estado = :e" if estado else ""
        filas = conn.execute(
            text(
                "SELECT i.id, i.folio, i.impresora, i.estado, i.intentos, i.motivo, i.creado_ms,"
                " i.reimpresion, d.nombre AS dispositivo FROM impresion i LEFT JOIN dispositivo d"
                f" ON d.id = i.dispositivo_id WHERE i.centro_id = :c{filtro}"
                " ORDER BY i.id DESC LIMIT :n"
            ),
            {"c": c.id, "e": estado, "n": limite},
        ).all()
    return {
        "centro": c.slug,
        "trabajos": [
            {
                "id": f.id,
                "folio": f.folio,
                "impresora": _sin_consulta(f.impresora),
                "dispositivo": f.dispositivo or "",
                "estado": f.estado,
                "intentos": f.intentos,
                "motivo": f.motivo,
                "reimpresion": bool(f.reimpresion),
                "creado": iso(f.creado_ms, c.zona),
            }
            for f in filas
        ],
    }

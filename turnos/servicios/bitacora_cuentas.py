"""Bitácora de cuentas: quién creó, desactivó, cambió de rol o revocó qué, y los bloqueos de
inicio de sesión. Encadenada por hash como la de los centros (`turnos auditar --cuentas`), pero
global: hay cuentas sin centro, y estos eventos nunca van a las pantallas.

Nunca lleva contraseñas ni tokens: `registrar` rechaza esas claves en `datos`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

from turnos.dominio.cadena import EventoSellado, Falla, calcular_hash, verificar

_PROHIBIDAS = frozenset({"password", "contrasena", "nueva", "actual", "token", "hash"})
_PUNTA = text("SELECT valor FROM ajuste WHERE clave = 'cuentas_punta'")
_BLOQUEAR = text("UPDATE ajuste SET valor = valor WHERE clave = 'cuentas_punta'")
_MOVER = text("UPDATE ajuste SET valor = :v WHERE clave = 'cuentas_punta'")
_INSERTAR = text(
    "INSERT INTO evento_cuenta (seq, ts_ms, tipo, autor_id, usuario_id, dispositivo_id,"
    " centro_id, datos, hash_previo, hash) VALUES (:seq, :ts_ms, :tipo, :autor_id, :usuario_id,"
    " :dispositivo_id, :centro_id, :datos, :hash_previo, :hash)"
)
_COLUMNAS = ("seq", "ts_ms", "tipo", "autor_id", "usuario_id", "dispositivo_id", "centro_id")


def _sellados(fila: dict[str, Any]) -> dict[str, Any]:
    return {**{k: fila[k] for k in _COLUMNAS}, "datos": json.loads(fila["datos"])}


def registrar(
    conn: Connection,
    tipo: str,
    ts_ms: int,
    *,
    autor_id: int | None = None,
    usuario_id: int | None = None,
    dispositivo_id: int | None = None,
    centro_id: int | None = None,
    datos: dict[str, Any] | None = None,
) -> int:
    """Agrega un evento en la transacción de `conn` (la del comando que lo causa)."""
    datos = datos or {}
    assert not _PROHIBIDAS & set(datos), "la bitácora de cuentas no guarda secretos"
    conn.execute(_BLOQUEAR)  # fila de la punta bloqueada hasta el COMMIT: seq sin huecos
    seq_txt, previo = str(conn.execute(_PUNTA).scalar_one()).split(":")
    seq = int(seq_txt) + 1
    fila: dict[str, Any] = {
        "seq": seq,
        "ts_ms": ts_ms,
        "tipo": tipo,
        "autor_id": autor_id,
        "usuario_id": usuario_id,
        "dispositivo_id": dispositivo_id,
        "centro_id": centro_id,
        "datos": json.dumps(datos, sort_keys=True, ensure_ascii=False),
        "hash_previo": previo,
    }
    fila["hash"] = calcular_hash(previo, _sellados(fila))
    conn.execute(_INSERTAR, fila)
    conn.execute(_MOVER, {"v": f"{fila['seq']}:{fila['hash']}"})
    return seq


def _sellados_de(conn: Connection) -> Iterator[EventoSellado]:
    for f in conn.execute(text("SELECT * FROM evento_cuenta ORDER BY seq")):
        m = dict(f._mapping)
        yield EventoSellado(m["seq"], _sellados(m), m["hash_previo"], m["hash"])


def verificar_cadena(conn: Connection) -> Falla | None:
    seq, punta = str(conn.execute(_PUNTA).scalar_one()).split(":")
    return verificar(_sellados_de(conn), (int(seq), punta))


def listar(conn: Connection, limite: int = 200) -> list[dict[str, Any]]:
    """Los últimos eventos, con nombres de usuario, dispositivo y centro (no ids)."""
    filas = conn.execute(
        text(
            "SELECT e.seq, e.ts_ms, e.tipo, e.datos, a.usuario AS autor, u.usuario AS usuario,"
            " d.nombre AS dispositivo, c.slug AS centro FROM evento_cuenta e"
            " LEFT JOIN usuario a ON a.id = e.autor_id LEFT JOIN usuario u ON u.id = e.usuario_id"
            " LEFT JOIN dispositivo d ON d.id = e.dispositivo_id"
            " LEFT JOIN centro c ON c.id = e.centro_id ORDER BY e.seq DESC LIMIT :n"
        ),
        {"n": limite},
    )
    resultado = []
    for f in filas:
        datos = json.loads(f.datos)
        resultado.append(
            {
                "seq": f.seq,
                "ts_ms": f.ts_ms,
                "tipo": f.tipo,
                "autor": f.autor or "sistema",
                "usuario": f.usuario or datos.pop("usuario", None),
                "dispositivo": f.dispositivo,
                "centro": f.centro,
                "datos": datos,
            }
        )
    return resultado[::-1]

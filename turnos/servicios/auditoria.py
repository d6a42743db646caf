"""Auditoría de la bitácora encadenada de un centro."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen, campos_sellados
from turnos.dominio.cadena import EventoSellado, Falla, verificar
from turnos.servicios import bitacora_cuentas, consultas
from turnos.tiempo import iso

_LOTE = 5000


def _eventos(conn: Connection, centro_id: int) -> Iterator[EventoSellado]:
    ultimo = 0
    while True:  # por lotes: millones de eventos sin cargarlos todos en memoria
        filas = conn.execute(
            text(
                "SELECT centro_id, seq, ts_ms, tipo, turno_id, ventanilla_id, usuario_id,"
                " dispositivo_id, datos, publico, hash_previo, hash FROM evento WHERE centro_id = :c"
                " AND seq > :s ORDER BY seq LIMIT :n"
            ),
            {"c": centro_id, "s": ultimo, "n": _LOTE},
        ).all()
        if not filas:
            return
        for f in filas:
            m = dict(f._mapping)
            yield EventoSellado(f.seq, campos_sellados(m), f.hash_previo, f.hash)
        ultimo = filas[-1].seq


def fuera_de_orden(alm: Almacen, centro_slug: str, limite: int = 500) -> list[dict[str, object]]:
    """Llamadas fuera de orden con su motivo (medida anticorrupción: quedan a la vista)."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        filas = conn.execute(
            text(
                "SELECT seq, ts_ms, usuario_id, datos FROM evento WHERE centro_id = :c"
                " AND tipo = 'turno_llamado' AND datos LIKE '%fuera_de_orden%' ORDER BY seq DESC LIMIT :n"
            ),
            {"c": c.id, "n": limite},
        ).all()
    resultado = []
    for f in filas:
        d = json.loads(f.datos)
        if d.get("fuera_de_orden"):
            resultado.append(
                {
                    "seq": f.seq,
                    "ts": iso(f.ts_ms, c.zona),
                    "folio": d.get("folio"),
                    "ventanilla": d.get("ventanilla"),
                    "usuario_id": f.usuario_id,
                    "motivo": d.get("motivo"),
                }
            )
    return resultado


def auditar(alm: Almacen, centro_slug: str) -> tuple[int, Falla | None]:
    """(eventos revisados, primera falla o None)."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        punta = conn.execute(
            text("SELECT seq, hash FROM cadena WHERE centro_id = :c"), {"c": c.id}
        ).first()
        total = conn.execute(
            text("SELECT count(*) FROM evento WHERE centro_id = :c"), {"c": c.id}
        ).scalar_one()
        falla = verificar(_eventos(conn, c.id), (punta.seq, punta.hash) if punta else None)
    return int(total), falla


def eventos_cuentas(alm: Almacen, limite: int = 200) -> list[dict[str, object]]:
    """Los últimos eventos de la bitácora de cuentas, con nombres (no ids) y hora UTC."""
    with alm.lectura() as conn:
        eventos = bitacora_cuentas.listar(conn, limite)
    return [{**e, "ts": iso(int(e.pop("ts_ms")), "UTC")} for e in eventos]


def imprimir_cuentas(alm: Almacen) -> int:
    """`turnos auditar --cuentas`: verifica la cadena y lista los eventos; 1 si fue alterada."""
    with alm.lectura() as conn:
        falla = bitacora_cuentas.verificar_cadena(conn)
    if falla is not None:
        print(
            f"ALTERACIÓN DETECTADA en la bitácora de cuentas, evento {falla.seq}: {falla.motivo}."
        )
        return 1
    eventos = eventos_cuentas(alm)
    print(f"Bitácora de cuentas íntegra. Últimos {len(eventos)} eventos:")
    for e in eventos:
        sobre = e["usuario"] or (f"dispositivo {e['dispositivo']}" if e["dispositivo"] else "")
        centro = f" en {e['centro']}" if e["centro"] else ""
        datos = " ".join(f"{k}={v}" for k, v in sorted(dict(e["datos"]).items()))  # type: ignore[call-overload]
        print(
            f"  {e['ts']}  {e['tipo']:<24} por {e['autor']:<14} sobre {sobre}{centro}  {datos}".rstrip()
        )
    return 0

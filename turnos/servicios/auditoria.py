"""Auditoría de la bitácora encadenada de un centro."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen, campos_sellados
from turnos.dominio.cadena import EventoSellado, Falla, verificar
from turnos.dominio.numeracion import formatear_folio
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


def _de_tipo(
    alm: Almacen, centro_slug: str, tipo: str, limite: int, contiene: str = ""
) -> tuple[Any, list[Any]]:
    """El centro y sus últimos eventos de un tipo (`contiene` filtra `datos` en la consulta)."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        filas = conn.execute(
            text(
                "SELECT e.seq, e.ts_ms, e.usuario_id, e.datos, u.usuario, u.nombre"
                " FROM evento e LEFT JOIN usuario u ON u.id = e.usuario_id"
                " WHERE e.centro_id = :c AND e.tipo = :t AND e.datos LIKE :like"
                " ORDER BY e.seq DESC LIMIT :n"
            ),
            {"c": c.id, "t": tipo, "like": f"%{contiene}%", "n": limite},
        ).all()
    return c, list(filas)


def _quien(f: Any) -> str:
    if f.usuario is None:
        return "—" if f.usuario_id is None else f"usuario {f.usuario_id} (ya no existe)"
    return f"{f.usuario} ({f.nombre})" if f.nombre else f.usuario


def fuera_de_orden(alm: Almacen, centro_slug: str, limite: int = 500) -> list[dict[str, object]]:
    """Llamadas fuera de orden con su motivo (medida anticorrupción: quedan a la vista)."""
    c, filas = _de_tipo(alm, centro_slug, "turno_llamado", limite, contiene="fuera_de_orden")
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
                    "usuario": _quien(f),
                    "motivo": d.get("motivo"),
                }
            )
    return resultado


def restauraciones(alm: Almacen, centro_slug: str) -> list[dict[str, object]]:
    """Eventos `base_restaurada`: cuándo, desde qué archivo y qué quedó en la base reemplazada."""
    c, filas = _de_tipo(alm, centro_slug, "base_restaurada", 500)
    resultado: list[dict[str, object]] = []
    for f in filas:
        d = json.loads(f.datos)
        perdidos = ""
        if d.get("reemplazada_hasta_evento") is not None:
            perdidos = f", la base reemplazada llegaba al {d['reemplazada_hasta_evento']}"
        series = ", ".join(formatear_folio(p, n + 1) for p, n in d.get("pisos", {}).items())
        resumen = (
            f"desde {d.get('respaldo')} (hasta el evento {d.get('respaldo_hasta_evento')}{perdidos});"
            f" base anterior aparte: {d.get('base_reemplazada') or 'no había'};"
            f" folios del {d.get('dia')} desde {series or '—'}"
        )
        resultado.append({"seq": f.seq, "ts": iso(f.ts_ms, c.zona), "resumen": resumen, **d})
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

"""Acumulados de /metrics guardados en la BD (`metricas_acumulado`): un proceso nuevo parte del
último guardado y solo lee de la bitácora los eventos posteriores a su `seq`.

Lo guardado en un `seq` es exactamente lo que daría recorrer la bitácora hasta ese `seq` (las
sumas de los histogramas se continúan en el mismo orden, y un float en JSON vuelve idéntico), así
que el primer scrape tras reiniciar da las mismas cifras sin recorrer la historia. Cualquier
proceso guarda (a lo más cada `GUARDAR_S`); si un proceso atrasado pisa un guardado más nuevo,
sigue siendo correcto (solo más viejo). Si la bitácora de un centro quedó atrás del guardado (p. ej.
se restauró solo la bitácora), el guardado se ignora, se recorre la bitácora y se reemplaza.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

log = logging.getLogger("turnos.metricas")

VERSION = 2  # súbala si cambia qué se acumula (2: contador de reincorporados)
GUARDAR_S = 60.0

_LEER = text("SELECT centro_id, seq, datos FROM metricas_acumulado WHERE version = :v")
_GUARDAR = text(
    "INSERT INTO metricas_acumulado (centro_id, seq, version, datos) VALUES (:c, :s, :v, :x)"
    " ON CONFLICT (centro_id) DO UPDATE SET seq = excluded.seq, version = excluded.version,"
    " datos = excluded.datos"
)


def a_json(c: Any, cubetas: tuple[int, ...]) -> str:
    """El estado de un centro (`prometheus._Centro`) como JSON."""
    return json.dumps(
        {
            "cubetas": list(cubetas),
            "contadores": [[tid, origen, v] for (tid, origen), v in c.contadores.items()],
            "hist": [
                [reloj, tid, h.cubetas, h.total, h.suma] for (reloj, tid), h in c.hist.items()
            ],
            "impresiones": c.impresiones,
        },
        separators=(",", ":"),
    )


def leer(conn: Connection, cubetas: tuple[int, ...]) -> dict[int, tuple[int, dict[str, Any]]]:
    """{centro_id: (seq, datos)} de lo guardado con esta versión y estas cubetas."""
    r = {}
    for cid, seq, datos in conn.execute(_LEER, {"v": VERSION}):
        d = json.loads(datos)
        if tuple(d["cubetas"]) == cubetas:
            r[cid] = (int(seq), d)
    return r


def guardar(motor: Engine, filas: list[tuple[int, int, str]]) -> bool:
    """Guarda [(centro_id, seq, datos)] en una transacción corta. Es una optimización: si la BD
    está ocupada, se intenta en el siguiente turno."""
    if not filas:
        return True
    try:
        with motor.begin() as conn:
            conn.execute(_GUARDAR, [{"c": c, "s": s, "v": VERSION, "x": x} for c, s, x in filas])
    except (IntegrityError, OperationalError):
        log.warning("no se guardaron los acumulados de /metrics (BD ocupada); se reintentará")
        return False
    return True


def cargar(estado: Any, conn: Connection, puntas: list[Any]) -> None:
    """Parte de lo guardado en cada centro (`estado`: prometheus.EstadoMetricas sin leer)."""
    from metricas.prometheus import CUBETAS, _Centro, _Hist

    guardados = leer(conn, CUBETAS)
    estado.guardado = {}
    for cid, slug, punta in puntas:
        g = guardados.get(cid)
        if g is None or g[0] > (punta or 0) or cid in estado.centros:
            continue  # sin guardar, o la bitácora quedó atrás (respaldo restaurado): recorrer
        seq, d = g
        c = _Centro(slug, seq=seq, impresiones=int(d["impresiones"]))
        for tid, origen, valores in d["contadores"]:
            if estado._tramite(conn, tid) is not None:
                c.contadores[(tid, origen)] = [int(v) for v in valores]
        for reloj, tid, cubetas, total, suma in d["hist"]:
            if estado._tramite(conn, tid) is not None:
                c.hist[(reloj, tid)] = _Hist(list(cubetas), int(total), float(suma))
        estado.centros[cid] = c
        estado.guardado[cid] = seq


def guardar_si_toca(estado: Any, forzar: bool = False) -> int:
    """Guarda los centros que avanzaron desde lo guardado, a lo más cada `GUARDAR_S` (o ya, con
    `forzar`). Devuelve cuántos centros guardó."""
    from metricas.prometheus import CUBETAS

    ahora = time.monotonic()
    if estado.guardado is None or (not forzar and ahora < estado.guardar_en):
        return 0
    filas = [
        (cid, c.seq, a_json(c, CUBETAS))
        for cid, c in estado.centros.items()
        if c.seq > estado.guardado.get(cid, 0)
    ]
    estado.guardar_en = ahora + GUARDAR_S
    if not guardar(estado.alm.motor, filas):
        return 0
    for cid, seq, _ in filas:
        estado.guardado[cid] = seq
    return len(filas)

"""PostgreSQL: el NOTIFY de los eventos va DESPUÉS del COMMIT, en su propia transacción corta.

Dentro de la transacción del cambio, NOTIFY hace que PostgreSQL tome al confirmar un candado
global de la base (la cola de notificaciones) y lo sostenga durante el fsync: los COMMIT de
centros distintos quedaban en fila (docs/PERFORMANCE.md, «Issue 14: PostgreSQL con muchos
centros»). Las garantías siguen: el evento sale solo si el cambio se confirmó, y nada si se
revierte."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from sqlalchemy import event, text

from apoyo.sembrado import sembrar_centro
from tests.conftest import pg_dsn
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.eventos.notificar import CANAL, canal_de

pytestmark = pytest.mark.postgres


@pytest.fixture
def alm_pg(pg_base):
    from apoyo.sembrado import esquema_pg

    gen = esquema_pg(pg_base)
    url = next(gen)
    motor = crear_motor(url, pool_size=4)
    migrar(motor)
    yield Almacen(motor)
    motor.dispose()
    next(gen, None)


def _oyente(canal: str):
    conn = psycopg.connect(pg_dsn(), autocommit=True)
    conn.execute(psycopg.sql.SQL("LISTEN {}").format(psycopg.sql.Identifier(canal)))
    return conn


def _mios(conn, slug, n):
    """Los primeros `n` avisos de nuestro centro."""
    recibidos = []
    for aviso in conn.notifies(timeout=30):
        carga = json.loads(aviso.payload)
        if carga.get("centro") == slug:
            recibidos.append(carga)
            if len(recibidos) == n:
                break
    return recibidos


def test_notify_fuera_de_la_transaccion_y_nada_si_se_revierte(alm_pg):
    slug = f"n{uuid.uuid4().hex[:8]}"
    sembrar_centro(alm_pg, slug)
    with alm_pg.lectura() as c:
        cid = c.execute(text("SELECT id FROM centro WHERE slug = :s"), {"s": slug}).scalar_one()
    orden: list[str] = []
    con_evento: set[int] = set()  # conexiones cuya transacción en curso guardó un evento

    @event.listens_for(alm_pg.motor, "commit")
    def _commit(conn):
        con_evento.discard(id(conn))
        orden.append("COMMIT")

    @event.listens_for(alm_pg.motor, "rollback")
    def _rollback(conn):
        con_evento.discard(id(conn))
        orden.append("ROLLBACK")

    @event.listens_for(alm_pg.motor, "before_cursor_execute")
    def _sql(conn, cursor, sentencia, params, contexto, varias):
        if sentencia.startswith("INSERT INTO evento"):
            con_evento.add(id(conn))
        if "pg_notify" in sentencia:
            orden.append("NOTIFY dentro" if id(conn) in con_evento else "NOTIFY fuera")

    oyente = _oyente(alm_pg.canal_eventos())
    try:
        with pytest.raises(RuntimeError), alm_pg.transaccion() as tx:
            tx.evento(cid, "prueba_revertida", 1_000)
            raise RuntimeError("se revierte")
        with alm_pg.transaccion() as tx:
            tx.evento(cid, "prueba_a", 2_000)
            tx.evento(cid, "prueba_b", 3_000)
        recibidos = _mios(oyente, slug, 2)
    finally:
        oyente.close()

    assert "NOTIFY dentro" not in orden
    assert orden[orden.index("ROLLBACK") :][:3] == ["ROLLBACK", "COMMIT", "NOTIFY fuera"]
    # Lo revertido no se avisa; lo confirmado, en orden de seq (un solo NOTIFY con ambos).
    assert [r["tipo"] for r in recibidos] == ["prueba_a", "prueba_b"]
    assert recibidos[1]["seq"] == recibidos[0]["seq"] + 1


def test_el_canal_lleva_el_esquema(alm_pg):
    esquema = alm_pg.motor.url.query["options"].split("search_path=")[1]
    assert alm_pg.canal_eventos() == canal_de(esquema) == f"{CANAL}_{esquema}"
    assert canal_de("public") == CANAL
    largo = canal_de("x" * 63)
    assert len(largo) <= 63 and largo != canal_de("x" * 62 + "y")

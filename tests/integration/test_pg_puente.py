"""Puente LISTEN/NOTIFY sobre PostgreSQL real (TURNOS_TEST_PG_URL).

Un registro de eventos de prueba vive en una tabla propia; el «núcleo» de la prueba inserta el
evento y ejecuta ``notificar_sql`` en la misma transacción, como hará el de verdad.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import pg_dsn
from turnos.eventos.hub import Hub, Suscripcion
from turnos.eventos.puente_pg import MAXIMO_CARGA, PuentePostgres, carga, notificar_sql

pytestmark = pytest.mark.postgres

Evento = dict[str, Any]


def _dsn() -> str:
    return pg_dsn()


class Registro:
    """Tabla de eventos de prueba + canal propio, para no cruzarse con otras pruebas."""

    def __init__(self, dsn: str) -> None:
        sufijo = uuid.uuid4().hex[:10]
        self.dsn = dsn
        self.tabla = sql.Identifier(f"pantalla_prueba_{sufijo}")
        self.canal = f"turnos_prueba_{sufijo}"

    async def crear(self) -> None:
        async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as c:
            await c.execute(
                sql.SQL(
                    "CREATE TABLE {} (centro text, seq int, datos jsonb, PRIMARY KEY (centro, seq))"
                ).format(self.tabla)
            )

    async def borrar(self) -> None:
        async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as c:
            await c.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self.tabla))

    async def confirmar(self, evento: Evento, rollback: bool = False) -> None:
        async with await psycopg.AsyncConnection.connect(self.dsn) as c:
            await c.execute(
                sql.SQL("INSERT INTO {} VALUES (%s, %s, %s)").format(self.tabla),
                (evento["centro"], evento["seq"], json.dumps(evento)),
            )
            consulta, params = notificar_sql(evento, estilo="pyformat", canal=self.canal)
            await c.execute(consulta, params)
            if rollback:
                await c.rollback()
            else:
                await c.commit()

    async def replay(self, centro: str, desde: int) -> list[Evento]:
        async with await psycopg.AsyncConnection.connect(self.dsn) as c:
            filas = await c.execute(
                sql.SQL("SELECT datos FROM {} WHERE centro = %s AND seq > %s ORDER BY seq").format(
                    self.tabla
                ),
                (centro, desde),
            )
            return [fila[0] for fila in await filas.fetchall()]


def ev(seq: int, centro: str = "demo", **extra: Any) -> Evento:
    return {
        "seq": seq,
        "tipo": "turno_llamado",
        "centro": centro,
        "ts": "2026-11-21T10:00:00-06:00",
        "turno": {"folio": f"A-{seq:03d}", "tramite": "LIC"},
        "ventanilla": {"numero": 1, "nombre": "Ventanilla 1"},
        "cola": {"LIC": 0},
        **extra,
    }


@asynccontextmanager
async def dos_procesos(reg: Registro) -> AsyncIterator[list[tuple[Hub, PuentePostgres]]]:
    """Dos hubs con su puente: lo que vería cada proceso trabajador."""
    pares = []
    for _ in range(2):
        hub = Hub()
        puente = PuentePostgres(reg.dsn, hub, replay=reg.replay, canal=reg.canal, sondeo_s=1.0)
        await puente.iniciar()
        assert puente.conectado.is_set()
        pares.append((hub, puente))
    try:
        yield pares
    finally:
        for _hub, puente in pares:
            await puente.detener()


async def seqs(sus: Suscripcion, n: int, timeout: float = 5.0) -> list[int]:
    vistos = []
    async with asyncio.timeout(timeout):
        for _ in range(n):
            evento = await sus.recibir()
            assert evento is not None
            vistos.append(evento["seq"])
    return vistos


def correr(prueba: Callable[[Registro], Awaitable[None]]) -> None:
    reg = Registro(_dsn())

    async def principal() -> None:
        await reg.crear()
        try:
            await prueba(reg)
        finally:
            await reg.borrar()

    asyncio.run(principal())


def test_notify_en_transaccion_llega_a_ambos_y_rollback_a_ninguno() -> None:
    async def prueba(reg: Registro) -> None:
        async with dos_procesos(reg) as pares:
            subs = [hub.suscribir("demo") for hub, _ in pares]
            await reg.confirmar(ev(1))
            await reg.confirmar(ev(2), rollback=True)
            await reg.confirmar(ev(2, folio_extra="otro"))
            for sus in subs:
                assert await seqs(sus, 2) == [1, 2]
            await asyncio.sleep(0.3)
            assert [sus.pendientes() for sus in subs] == [0, 0]  # nada duplicado

            await reg.confirmar(ev(3), rollback=True)
            await asyncio.sleep(0.5)
            assert [sus.pendientes() for sus in subs] == [0, 0]  # rollback: no se anuncia

    correr(prueba)


def test_evento_grande_viaja_como_referencia() -> None:
    grande = ev(1, relleno="x" * 9000)
    assert len(carga(grande).encode()) < MAXIMO_CARGA
    assert json.loads(carga(grande)) == {"ref": True, "centro": "demo", "seq": 1}

    async def prueba(reg: Registro) -> None:
        async with dos_procesos(reg) as pares:
            subs = [hub.suscribir("demo") for hub, _ in pares]
            await reg.confirmar(grande)
            for sus in subs:
                recibido = await sus.recibir()
                assert recibido is not None and recibido["relleno"] == grande["relleno"]

    correr(prueba)


def test_reconexion_recupera_lo_perdido_con_replay() -> None:
    async def prueba(reg: Registro) -> None:
        async with dos_procesos(reg) as pares:
            (hub, puente), (hub_b, _) = pares
            sus, sus_b = hub.suscribir("demo"), hub_b.suscribir("demo")
            await reg.confirmar(ev(1))
            assert await seqs(sus, 1) == [1]
            async with await psycopg.AsyncConnection.connect(reg.dsn, autocommit=True) as c:
                await c.execute("SELECT pg_terminate_backend(%s)", (puente.pid_backend,))
            for seq in range(2, 6):  # confirmados mientras el puente está caído
                await reg.confirmar(ev(seq))
            async with asyncio.timeout(10):
                while puente.conexiones < 2 or not puente.conectado.is_set():
                    await asyncio.sleep(0.05)
            await reg.confirmar(ev(6))
            assert await seqs(sus, 5) == [2, 3, 4, 5, 6]
            assert await seqs(sus_b, 6) == [1, 2, 3, 4, 5, 6]
            await asyncio.sleep(0.3)
            assert sus.pendientes() == 0 and sus_b.pendientes() == 0

    correr(prueba)


def test_notificar_sql_estilos() -> None:
    consulta, params = notificar_sql(ev(1))
    assert consulta == "SELECT pg_notify(:canal, :payload)"
    assert params["canal"] == "turnos_eventos" and json.loads(params["payload"])["seq"] == 1
    assert "%(payload)s" in notificar_sql(ev(1), estilo="pyformat")[0]

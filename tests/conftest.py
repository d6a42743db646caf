"""Fixtures comunes: bases de datos reales (archivo SQLite temporal y PostgreSQL local) y un
centro de prueba sembrado con los servicios de verdad (apoyo/sembrado.py, que comparte bench/)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from apoyo.sembrado import AHORA, TODO_EL_DIA, Centro, esquema_pg, sembrar_centro
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor

PG_URL = os.environ.get("TURNOS_TEST_PG_URL", "")


def _pg_disponible() -> str | None:
    if not PG_URL:
        return "TURNOS_TEST_PG_URL no está definida (.ci/run la define si PostgreSQL responde)"
    try:
        with create_engine(PG_URL).connect() as c:
            c.execute(text("SELECT 1"))
    except Exception as e:  # noqa: BLE001 - cualquier fallo de conexión es motivo de omisión
        return f"PostgreSQL no responde en TURNOS_TEST_PG_URL: {type(e).__name__}"
    return None


def omitir(motivo: str) -> None:
    """Fuera de CI se omite con el motivo; en CI (CI=true) falta una pieza real: es un fallo."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI exige esta prueba: {motivo}")
    pytest.skip(motivo)


@pytest.fixture(scope="session")
def pg_base() -> str:
    motivo = _pg_disponible()
    if motivo:
        omitir(motivo)
    return PG_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'turnos.db'}"
    else:
        base = request.getfixturevalue("pg_base")
        yield from esquema_pg(base)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'turnos.db'}"


@pytest.fixture
def alm(db_url: str) -> Iterator[Almacen]:
    motor = crear_motor(db_url, pool_size=30)
    migrar(motor)
    yield Almacen(motor)
    motor.dispose()


@pytest.fixture
def centro(alm: Almacen) -> Centro:
    return sembrar_centro(alm)


def minutos(n: float) -> datetime:
    return AHORA + timedelta(minutes=n)


def verificar_espera(alm: Almacen) -> None:
    """La cuenta mantenida en `espera` coincide con contar la cola de verdad."""
    with alm.lectura() as c:
        reales = dict(
            ((cid, tid), n)
            for cid, tid, n in c.execute(
                text(
                    "SELECT centro_id, tramite_id, count(*) FROM turno WHERE estado = 'en_espera' GROUP BY centro_id, tramite_id"
                )
            )
        )
        cuenta = {
            (cid, tid): n
            for cid, tid, n in c.execute(text("SELECT centro_id, tramite_id, n FROM espera"))
            if n
        }
    assert cuenta == reales


def pg_dsn() -> str:
    """La URL de prueba en la forma de psycopg (sin `+psycopg`), u omitir/fallar como pg_base."""
    from turnos.web.tiempo_real import dsn_psycopg

    motivo = _pg_disponible()
    if motivo:
        omitir(motivo)
    return dsn_psycopg(PG_URL)


__all__ = ["AHORA", "TODO_EL_DIA", "Centro", "esquema_pg", "sembrar_centro"]

"""Fixtures comunes: bases de datos reales (archivo SQLite temporal y PostgreSQL local) y un
centro de prueba sembrado con los servicios de verdad."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.permisos import Actor
from turnos.servicios import catalogo, cuentas

PG_URL = os.environ.get("TURNOS_TEST_PG_URL", "")
TODO_EL_DIA = {d: ["00:00", "24:00"] for d in ("lun", "mar", "mie", "jue", "vie", "sab", "dom")}
AHORA = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # lunes 10:00 en Ciudad de México


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


def esquema_pg(base: str) -> Iterator[str]:
    """Un esquema nuevo por prueba en la base `test`; se borra al final."""
    esquema = f"t_{uuid.uuid4().hex[:12]}"
    motor = create_engine(base, isolation_level="AUTOCOMMIT")
    with motor.connect() as c:
        c.execute(text(f"CREATE SCHEMA {esquema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{esquema}"
    finally:
        with motor.connect() as c:
            c.execute(text(f"DROP SCHEMA {esquema} CASCADE"))
        motor.dispose()


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


@dataclass
class Centro:
    slug: str
    jefe: Actor
    staff: list[Actor]  # un usuario de rol ventanilla por ventanilla (1..3)
    kiosco: Actor
    kiosco_token: str
    jefe_token: str
    staff_tokens: list[str]
    pantalla_token: str


def sembrar_centro(alm: Almacen, slug: str = "prueba", ventanillas: int = 3) -> Centro:
    """Centro abierto todo el día con trámites A (espera máx. 30) y B, y N ventanillas A+B."""
    catalogo.crear_centro(alm, slug, "Centro de prueba", horario=TODO_EL_DIA, tolerancia_min=0)
    catalogo.importar_tramites(
        alm,
        slug,
        [
            {
                "clave": "A",
                "nombre": "Trámite A",
                "prefijo": "A",
                "espera_maxima_min": 30,
                "atencion_maxima_min": 15,
            },
            {"clave": "B", "nombre": "Trámite B", "prefijo": "B", "costo": "Gratuito"},
            {"clave": "C", "nombre": "Trámite C", "prefijo": "C"},
        ],
        AHORA,
    )
    for n in range(1, ventanillas + 1):
        catalogo.guardar_ventanilla(alm, slug, n, f"Ventanilla {n}", ["A", "B"], AHORA)
    catalogo.guardar_ventanilla(alm, slug, 99, "Ventanilla C", ["C"], AHORA)
    with alm.lectura() as c:
        cid = c.execute(text("SELECT id FROM centro WHERE slug = :s"), {"s": slug}).scalar_one()
    jid = cuentas.crear_usuario(alm, f"jefe-{slug}", "contrasena-segura", "jefe", slug, "Jefa")
    staff = []
    tokens = []
    for n in range(1, ventanillas + 1):
        uid = cuentas.crear_usuario(
            alm, f"v{n}-{slug}", "contrasena-segura", "ventanilla", slug, f"Persona {n}"
        )
        staff.append(Actor("usuario", uid, "ventanilla", cid, f"Persona {n}"))
        tokens.append(cuentas.crear_token_personal(alm, f"v{n}-{slug}", AHORA))
    kid, ktoken = cuentas.crear_dispositivo(alm, slug, "kiosco", "kiosco-1", AHORA)
    _, ptoken = cuentas.crear_dispositivo(alm, slug, "pantalla", "pantalla-1", AHORA)
    return Centro(
        slug=slug,
        jefe=Actor("usuario", jid, "jefe", cid, "Jefa"),
        staff=staff,
        kiosco=Actor("dispositivo", kid, "kiosco", cid, "kiosco-1"),
        kiosco_token=ktoken,
        jefe_token=cuentas.crear_token_personal(alm, f"jefe-{slug}", AHORA),
        staff_tokens=tokens,
        pantalla_token=ptoken,
    )


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

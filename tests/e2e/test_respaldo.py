"""Respaldo y restauración con la CLI real (`turnos respaldo`, `turnos restaurar`), contra uvicorn
real, archivos SQLite reales y la PostgreSQL local con `pg_dump` de verdad."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import esquema_pg
from tests.e2e.test_tiempo_real import preparar
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.motor import crear_motor
from turnos.servicios import emision


def turnos(*args, db, env=None):
    return subprocess.run(
        [sys.executable, "-m", "turnos.cli", *args, "--db", db],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def emitir(url, centro, tramites):
    """Emite con el servicio real y la hora real (la restauración usa la hora real)."""
    motor = crear_motor(url)
    try:
        alm = Almacen(motor)
        return [
            emision.emitir(alm, "prueba", t, centro.kiosco, datetime.now(UTC))["folio"]
            for t in tramites
        ]
    finally:
        motor.dispose()


def apartadas(carpeta):
    """Bases reemplazadas que `turnos restaurar` guardó aparte (sin contar su -wal/-shm)."""
    return [
        a for a in carpeta.glob("turnos.db.reemplazada-*") if not a.name.endswith(("-wal", "-shm"))
    ]


def con_respaldo(tmp_path, antes):
    """Base SQLite sembrada, con los turnos `antes` emitidos y un respaldo por la CLI."""
    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    centro = preparar(url)
    emitir(url, centro, antes)
    copia = tmp_path / "respaldo.db"
    r = turnos("respaldo", "--salida", str(copia), db=url)
    assert r.returncode == 0, r.stderr
    return url, centro, copia


def folios_del_dia(url):
    """(día, folio) de cada turno; comparar con el día evita confundir días distintos."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as c:
        return set(c.execute("SELECT dia, folio FROM turno"))


def test_respaldo_mientras_10_clientes_emiten(tmp_path):
    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    centro = preparar(url)
    copia = tmp_path / "respaldo.db"
    confirmados: list[str] = []
    errores: list[int] = []
    candado = threading.Lock()
    parar = threading.Event()

    with servidor(url) as s:

        def cliente(i):
            with httpx.Client(
                base_url=s.url,
                headers={"Authorization": f"Bearer {centro.kiosco_token}"},
                timeout=30,
            ) as c:
                for j in range(300):  # acotado aunque algo falle
                    if parar.is_set():
                        return
                    r = c.post("/api/v1/centros/prueba/turnos", json={"tramite": "AB"[(i + j) % 2]})
                    with candado:
                        if r.status_code == 201:
                            confirmados.append(r.json()["folio"])
                        else:
                            errores.append(r.status_code)

        def esperar(n):
            limite = time.monotonic() + 90
            while len(confirmados) < n and time.monotonic() < limite and not errores:
                time.sleep(0.05)
            assert len(confirmados) >= n and not errores, errores

        hilos = [threading.Thread(target=cliente, args=(i,)) for i in range(10)]
        for h in hilos:
            h.start()
        try:
            esperar(40)
            with candado:  # todo lo confirmado antes de que empiece el respaldo
                antes = set(confirmados)
            r = turnos("respaldo", "--salida", str(copia), db=url)
            assert r.returncode == 0, r.stderr
            esperar(len(confirmados) + 20)  # los clientes siguieron emitiendo
        finally:
            parar.set()
            for h in hilos:
                h.join(timeout=60)
    assert not errores

    with sqlite3.connect(copia) as c:
        assert c.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        # un solo archivo autocontenido (sin -wal a un lado)
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        en_copia = {f for (f,) in c.execute("SELECT folio FROM turno")}
    assert antes <= en_copia
    r = turnos("auditar", "--centro", "prueba", db=f"sqlite:///{copia}")
    assert r.returncode == 0 and "íntegra" in r.stdout, r.stdout + r.stderr


def test_restaurar_se_niega_con_el_servidor_corriendo(tmp_path):
    url, centro, copia = con_respaldo(tmp_path, "AA")
    with servidor(url) as s:
        r = turnos("restaurar", str(copia), db=url)
        assert r.returncode == 2 and "servidor" in r.stderr and "detenga" in r.stderr, r.stderr
        assert not apartadas(tmp_path)  # no tocó nada
        # un servidor que murió de golpe (kill -9) ya no retiene el candado
        s.proceso.kill()
        s.proceso.wait(timeout=10)
        r = turnos("restaurar", str(copia), db=url)
        assert r.returncode == 0, r.stderr
    assert len(apartadas(tmp_path)) == 1


def test_restaurar_y_emitir_no_repite_folios(tmp_path):
    url, centro, copia = con_respaldo(tmp_path, "AAAAABB")
    emitir(url, centro, "AAAAAC")  # impresos después del respaldo: la copia no los tiene
    impresos = folios_del_dia(url)
    assert len(impresos) == 13

    r = turnos("restaurar", str(copia), db=url)
    assert r.returncode == 0, r.stderr
    (aparte,) = apartadas(tmp_path)
    assert aparte.name in r.stdout
    assert folios_del_dia(f"sqlite:///{aparte}") == impresos  # la base reemplazada, intacta
    assert len(folios_del_dia(url)) == 7

    nuevos = emitir(url, centro, "ABC")
    repetidos = {(d, f) for d, f in folios_del_dia(url) if f in nuevos} & impresos
    assert not repetidos, repetidos
    assert all(int(f.split("-")[1]) > 1000 for f in nuevos), nuevos  # serie visiblemente nueva

    r = turnos("auditar", "--centro", "prueba", db=url)
    assert r.returncode == 0 and "íntegra" in r.stdout, r.stdout + r.stderr
    assert "Restauraciones: 1" in r.stdout and copia.name in r.stdout, r.stdout
    with sqlite3.connect(url.removeprefix("sqlite:///")) as c:
        tipos = [t for (t,) in c.execute("SELECT tipo FROM evento ORDER BY seq")]
    assert tipos.count("base_restaurada") == 1 and tipos[-4] == "base_restaurada"


def test_restaurar_cuando_la_base_se_perdio(tmp_path):
    url, centro, copia = con_respaldo(tmp_path, "AAB")
    emitir(url, centro, "AABB")
    impresos = folios_del_dia(url)
    for sufijo in ("", "-wal", "-shm"):  # el disco murió: no hay de dónde leer lo impreso
        (tmp_path / f"turnos.db{sufijo}").unlink(missing_ok=True)

    r = turnos("restaurar", str(copia), db=url)
    assert r.returncode == 0, r.stderr
    nuevos = emitir(url, centro, "AB")
    assert not {(d, f) for d, f in folios_del_dia(url) if f in nuevos} & impresos


def test_restaurar_rechaza_un_respaldo_alterado(tmp_path):
    url, centro, copia = con_respaldo(tmp_path, "AAB")
    with sqlite3.connect(copia) as c:
        c.execute("UPDATE evento SET datos = replace(datos, 'A-002', 'A-009')")
    antes = folios_del_dia(url)

    r = turnos("restaurar", str(copia), db=url)
    assert r.returncode == 2 and "alterada" in r.stderr, r.stderr
    assert folios_del_dia(url) == antes
    assert not apartadas(tmp_path)

    basura = tmp_path / "no-es-base.db"
    basura.write_text("hola")
    r = turnos("restaurar", str(basura), db=url)
    assert r.returncode == 2 and "no es una base de datos" in r.stderr, r.stderr


@pytest.fixture
def pg_url(pg_base):
    yield from esquema_pg(pg_base)


@pytest.mark.postgres
def test_respaldo_postgres_con_pg_dump(pg_url, tmp_path):
    centro = preparar(pg_url)
    emitir(pg_url, centro, "AAB")
    volcado = tmp_path / "turnos.dump"
    r = turnos("respaldo", "--salida", str(volcado), db=pg_url)
    assert r.returncode == 0, r.stderr
    esquema = pg_url.rsplit("%3D", 1)[1]
    # el volcado restaura en una base nueva y la copia pasa la auditoría
    base = f"r_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url.split("?")[0], isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {base}"))
    try:
        destino = pg_url.split("?")[0].rsplit("/", 1)[0] + f"/{base}"
        dsn = destino.replace("postgresql+psycopg://", "postgresql://")
        p = subprocess.run(
            ["pg_restore", "--no-owner", "-d", dsn, str(volcado)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert p.returncode == 0, p.stderr
        copia = f"{destino}?options=-csearch_path%3D{esquema}"
        r = turnos("auditar", "--centro", "prueba", db=copia)
        assert r.returncode == 0 and "íntegra" in r.stdout, r.stdout + r.stderr
        motor = create_engine(copia)
        with motor.connect() as c:
            assert c.execute(text("SELECT count(*) FROM turno")).scalar_one() == 3
        motor.dispose()
    finally:
        with admin.connect() as c:
            c.execute(text(f"DROP DATABASE IF EXISTS {base} WITH (FORCE)"))
        admin.dispose()


@pytest.mark.postgres
def test_postgres_sin_pg_dump_y_restaurar_con_pg_restore(pg_url, tmp_path):
    preparar(pg_url)
    sin_pg_dump = {**os.environ, "PATH": str(tmp_path)}
    r = turnos("respaldo", "--salida", str(tmp_path / "x.dump"), db=pg_url, env=sin_pg_dump)
    assert r.returncode == 2 and "pg_dump" in r.stderr and "postgresql-client" in r.stderr
    assert not (tmp_path / "x.dump").exists()
    r = turnos("restaurar", str(tmp_path / "x.dump"), db=pg_url)
    assert r.returncode == 2 and "pg_restore" in r.stderr, r.stderr


@pytest.mark.postgres
def test_postgres_pg_restore_y_luego_ya_restaurada_no_repite_folios(pg_url, tmp_path):
    centro = preparar(pg_url)
    emitir(pg_url, centro, "AAB")
    volcado = tmp_path / "turnos.dump"
    assert turnos("respaldo", "--salida", str(volcado), db=pg_url).returncode == 0
    emitir(pg_url, centro, "AAB")  # impresos después del volcado
    motor = create_engine(pg_url)
    with motor.connect() as c:
        impresos = set(c.execute(text("SELECT dia, folio FROM turno")).all())
    motor.dispose()
    dsn, esquema = pg_url.split("?")[0].replace("+psycopg", ""), pg_url.rsplit("%3D", 1)[1]
    p = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "-n",
            esquema,
            "-d",
            dsn,
            str(volcado),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr

    r = turnos("restaurar", "--ya-restaurada", db=pg_url)
    assert r.returncode == 0, r.stderr
    nuevos = emitir(pg_url, centro, "AB")
    motor = create_engine(pg_url)
    with motor.connect() as c:
        ahora = set(c.execute(text("SELECT dia, folio FROM turno")).all())
    motor.dispose()
    assert len(ahora) == 5 and not {x for x in ahora if x[1] in nuevos} & impresos
    r = turnos("auditar", "--centro", "prueba", db=pg_url)
    assert r.returncode == 0 and "Restauraciones: 1" in r.stdout, r.stdout + r.stderr

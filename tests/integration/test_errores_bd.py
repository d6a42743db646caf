"""Qué hace la web con cada error operacional de la BD, con errores reales de SQLite y
PostgreSQL: solo perder la conexión es 503; un choque de transacciones es 409; un error de SQL
nuestro es un defecto (500 en el log)."""

import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from turnos.web.errores import clase_operacional


def _error(motor, sql, **kw):
    with pytest.raises(OperationalError) as info, motor.connect() as c:
        c.execute(text(sql), kw)
    return info.value


def test_sqlite_error_de_sql_es_defecto_y_bd_ocupada_es_reintentar(tmp_path):
    motor = create_engine(f"sqlite:///{tmp_path / 'x.db'}", connect_args={"timeout": 0})
    with motor.begin() as c:
        c.execute(text("CREATE TABLE t (x INTEGER)"))
    assert clase_operacional(_error(motor, "SELECT * FROM no_existe")) == "defecto"
    otra = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    otra.execute("BEGIN IMMEDIATE")  # otra conexión tiene el candado de escritura
    try:
        assert clase_operacional(_error(motor, "INSERT INTO t VALUES (1)")) == "reintentar"
    finally:
        otra.execute("ROLLBACK")
        otra.close()
    motor.dispose()


@pytest.fixture
def pg_url(pg_base):
    from tests.conftest import esquema_pg

    yield from esquema_pg(pg_base)


@pytest.mark.postgres
def test_postgres_serializacion_es_reintentar_y_conexion_perdida_es_503(pg_url):
    motor = create_engine(pg_url, isolation_level="REPEATABLE READ")
    with motor.begin() as c:
        c.execute(text("CREATE TABLE t (id int PRIMARY KEY, x int)"))
        c.execute(text("INSERT INTO t VALUES (1, 0)"))
    a, b = motor.connect(), motor.connect()
    a.begin()
    b.begin()
    a.execute(text("SELECT x FROM t")).all()
    b.execute(text("SELECT x FROM t")).all()
    a.execute(text("UPDATE t SET x = 1 WHERE id = 1"))
    resultado: list[BaseException] = []

    def segunda() -> None:
        try:
            b.execute(text("UPDATE t SET x = 2 WHERE id = 1"))
        except BaseException as e:  # noqa: BLE001
            resultado.append(e)

    hilo = threading.Thread(target=segunda)
    hilo.start()  # espera el candado de la fila de `a`
    a.commit()
    hilo.join(30)
    assert isinstance(resultado[0], OperationalError)
    assert clase_operacional(resultado[0]) == "reintentar"  # 40001
    b.rollback()

    pid = a.execute(text("SELECT pg_backend_pid()")).scalar()
    with motor.connect() as c:
        c.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    with pytest.raises(OperationalError) as info:
        a.execute(text("SELECT 1"))
    assert clase_operacional(info.value) == "conexion"
    a.close()
    b.close()
    motor.dispose()

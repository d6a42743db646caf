"""Motor de base de datos elegido por URL: SQLite (por omisión) o PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from turnos.errores import TurnosError

# FULL: el fsync de cada COMMIT sobrevive a un corte de luz (en WAL, NORMAL solo a la caída del
# proceso: el ticket ya impreso podría desaparecer y su folio volver a emitirse).
SINCRONIAS = ("FULL", "NORMAL", "EXTRA")


def es_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def crear_motor(url: str, *, sqlite_sync: str = "FULL", pool_size: int = 10) -> Engine:
    """Crea el motor; no conecta todavía (se conecta en el primer uso)."""
    if es_sqlite(url):
        sqlite_sync = sqlite_sync.strip().upper()
        if sqlite_sync not in SINCRONIAS:
            raise TurnosError(
                f"TURNOS_SQLITE_SYNC={sqlite_sync!r} no es válido; use {', '.join(SINCRONIAS)}."
            )
        motor = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=pool_size
        )
        _configurar_sqlite(motor, sqlite_sync)
        return motor
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _configurar_sqlite(motor: Engine, sync: str) -> None:
    # pysqlite abre transacciones diferidas por su cuenta: se lo quitamos y emitimos
    # BEGIN IMMEDIATE nosotros, para que dos escritores esperen (busy_timeout) en vez de fallar
    # con "database is locked" al subir de lectura a escritura.
    @event.listens_for(motor, "connect")
    def _al_conectar(dbapi_conn: Any, _rec: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={sync}")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(motor, "begin")
    def _al_empezar(conn: Any) -> None:
        if conn.get_execution_options().get("solo_lectura"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

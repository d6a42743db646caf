"""Copias de la base: la API de respaldo en línea de SQLite y `pg_dump` para PostgreSQL.

Ambas escriben primero `ARCHIVO.parcial` y lo renombran al terminar: un respaldo interrumpido
nunca deja un archivo a medias con el nombre bueno.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from turnos.errores import EntradaInvalida, TurnosError

MODO_ARCHIVO = 0o640  # lleva datos personales y hashes de tokens
_SEARCH_PATH = re.compile(r"-c\s*search_path\s*=\s*([^\s]+)")


def _parcial(salida: Path) -> Path:
    return salida.with_name(salida.name + ".parcial")


def _sincronizar_carpeta(carpeta: Path) -> None:
    """fsync de la carpeta: que el renombre también sobreviva a un corte de luz."""
    fd = os.open(carpeta, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _colocar(parcial: Path, salida: Path) -> None:
    os.chmod(parcial, MODO_ARCHIVO)
    with open(parcial, "rb") as f:
        os.fsync(f.fileno())
    os.replace(parcial, salida)
    _sincronizar_carpeta(salida.resolve().parent)


def copiar_sqlite(origen: Path, salida: Path) -> None:
    """Copia consistente de `origen` aunque el servidor esté escribiendo.

    `Connection.backup` de un solo paso copia dentro de una transacción de lectura: en WAL ve una
    instantánea y no detiene a los escritores. La copia queda en modo DELETE: un solo archivo.
    """
    if not origen.is_file():
        raise EntradaInvalida(f"No existe la base de datos {origen}.")
    parcial = _parcial(salida)
    parcial.unlink(missing_ok=True)
    try:
        fuente = sqlite3.connect(origen, timeout=30)
        try:
            fuente.execute("PRAGMA query_only = ON")
            copia = sqlite3.connect(parcial)
            try:
                fuente.backup(copia)  # pages=-1: todo en un paso, una sola instantánea
                copia.execute("PRAGMA journal_mode = DELETE")
                if copia.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise TurnosError(f"La copia de {origen} no pasó `PRAGMA quick_check`.")
            finally:
                copia.close()
        finally:
            fuente.close()
    except sqlite3.OperationalError as e:  # bloqueada, sin permiso, disco lleno…
        parcial.unlink(missing_ok=True)
        raise TurnosError(f"No se pudo copiar {origen}: {e}.") from None
    except sqlite3.DatabaseError as e:
        parcial.unlink(missing_ok=True)
        raise EntradaInvalida(f"{origen} no es una base de datos SQLite válida ({e}).") from None
    except BaseException:
        parcial.unlink(missing_ok=True)
        raise
    _colocar(parcial, salida)


def _esquemas(opciones: str | tuple[str, ...] | None) -> list[str]:
    """Los esquemas de `?options=-csearch_path=…` en la URL (un centro puede vivir en uno)."""
    if isinstance(opciones, tuple):
        opciones = " ".join(opciones)
    m = _SEARCH_PATH.search(opciones or "")
    if not m:
        return []
    return [e.strip('"') for e in m.group(1).split(",") if e and e != "$user"]


def volcar_postgres(url: str, salida: Path) -> None:
    """`pg_dump -Fc` (se restaura con `pg_restore`); solo los esquemas de la URL si los fija."""
    programa = shutil.which("pg_dump")
    if programa is None:
        raise TurnosError(
            "No se encontró el programa `pg_dump`, que respalda PostgreSQL. Instale el cliente de"
            " PostgreSQL de la misma versión mayor que el servidor (Debian/Ubuntu: `apt-get install"
            " postgresql-client`) o respalde en el servidor de la base con `pg_dump -Fc`."
        )
    u = make_url(url)
    entorno = dict(os.environ)
    if u.password:  # por el entorno, no en la línea de órdenes (`ps` la mostraría)
        entorno["PGPASSWORD"] = str(u.password)
    dsn = u.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    parcial = _parcial(salida)
    orden = [programa, "--format=custom", "--no-owner", f"--file={parcial}", f"--dbname={dsn}"]
    orden += [f"--schema={e}" for e in _esquemas(u.query.get("options"))]
    r = subprocess.run(orden, env=entorno, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        parcial.unlink(missing_ok=True)
        raise TurnosError(f"pg_dump falló (código {r.returncode}): {r.stderr.strip()}")
    _colocar(parcial, salida)

"""Candado del servidor sobre una base SQLite: quien sirve lo comparte, `turnos restaurar` lo
exige exclusivo.

Es flock(2) sobre un archivo junto a la base (`turnos.db.candado`): el núcleo lo suelta cuando el
proceso termina de cualquier modo (también con `kill -9` o un corte de luz), así que un candado
viejo nunca impide restaurar, y un servidor vivo siempre lo impide. PostgreSQL no lo usa.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from turnos.errores import Conflicto


def ruta_sqlite(url: str) -> Path | None:
    """La ruta del archivo de una URL SQLite (None en memoria o si no es SQLite)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or u.database in (None, "", ":memory:"):
        return None
    return Path(u.database)


def ruta_candado(base: Path) -> Path:
    return base.with_name(base.name + ".candado")


class Candado:
    def __init__(self, archivo: IO[bytes] | None) -> None:
        self._archivo = archivo

    def soltar(self) -> None:
        if self._archivo is not None:
            self._archivo.close()  # cerrar el descriptor suelta el flock
            self._archivo = None


def _tomar(base: Path, modo: int) -> IO[bytes] | None:
    archivo = open(ruta_candado(base), "ab")  # noqa: SIM115 - vive lo que vive el candado
    try:
        fcntl.flock(archivo, modo | fcntl.LOCK_NB)
    except BlockingIOError:
        archivo.close()
        return None
    return archivo


def sirviendo(url: str) -> Candado:
    """Lo toma el servidor al arrancar (compartido: varios procesos pueden servir a la vez)."""
    base = ruta_sqlite(url)
    if base is None:
        return Candado(None)
    archivo = _tomar(base, fcntl.LOCK_SH)
    if archivo is None:
        raise Conflicto(
            f"Hay una restauración en curso sobre {base}; el servidor arrancará cuando termine."
        )
    return Candado(archivo)


@contextmanager
def exclusivo(base: Path) -> Iterator[None]:
    """Para restaurar: falla de inmediato si algún servidor tiene abierta esta base."""
    archivo = _tomar(base, fcntl.LOCK_EX)
    if archivo is None:
        raise Conflicto(
            f"El servidor está corriendo sobre {base}: detenga el servicio"
            " (`systemctl stop turnos`) y vuelva a intentar; no se cambió nada."
        )
    try:
        yield
    finally:
        archivo.close()

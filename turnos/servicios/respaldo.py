"""`turnos respaldo`: copia en caliente de la base y verificación de la copia con la auditoría."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from turnos.db.almacen import Almacen
from turnos.db.candado import ruta_sqlite
from turnos.db.motor import es_sqlite
from turnos.db.respaldo import copiar_sqlite, volcar_postgres
from turnos.dominio.cadena import Falla
from turnos.errores import EntradaInvalida
from turnos.servicios.auditoria import auditar


@dataclass(frozen=True)
class Revision:
    """Resultado de `auditar` (el mismo código que `turnos auditar`) para cada centro."""

    eventos: int
    centros: int
    fallas: dict[str, Falla]


def auditar_todo(alm: Almacen) -> Revision:
    with alm.lectura() as conn:
        slugs = [s for (s,) in conn.execute(text("SELECT slug FROM centro ORDER BY id"))]
    eventos, fallas = 0, {}
    for slug in slugs:
        n, falla = auditar(alm, slug)
        eventos += n
        if falla is not None:
            fallas[slug] = falla
    return Revision(eventos, len(slugs), fallas)


def respaldar(url: str, salida: Path) -> Revision | None:
    """Escribe la copia en `salida`. SQLite: la copia se audita (None con PostgreSQL)."""
    if salida.is_dir():
        raise EntradaInvalida(f"{salida} es una carpeta; indique el nombre del archivo.")
    if not es_sqlite(url):
        volcar_postgres(url, salida)
        return None
    base = ruta_sqlite(url)
    if base is None:
        raise EntradaInvalida("Una base SQLite en memoria no se puede respaldar.")
    copiar_sqlite(base, salida)
    # Motor sin nuestros PRAGMA: leer la copia no la pasa a WAL ni le crea archivos al lado.
    motor = create_engine(f"sqlite:///{salida}")
    try:
        return auditar_todo(Almacen(motor))
    finally:
        motor.dispose()

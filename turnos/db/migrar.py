"""Aplica las migraciones de Alembic sobre un motor (lo hace `turnos serve` al arrancar).

El historial tiene una rama por dueño: la del núcleo (`versions/`, etiqueta `nucleo`) y una por
capacidad (`Capacidad.migraciones`, etiqueta = su nombre), cada una partiendo de una revisión del
núcleo. `migrar` junta las carpetas de las capacidades instaladas y sube a `heads`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import alembic
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from turnos.capacidades import Capacidad, descubrir

CARPETA = Path(__file__).parent / "migraciones"
VERSIONES_NUCLEO = CARPETA / "versions"

# Antes de la costura el historial era lineal: 0001 (núcleo) → 0002 (impresión del kiosco) →
# 0003 (kpi_dia de métricas). Esas revisiones conservan su id en la rama de su capacidad.
HISTORIA_LINEAL = ("0001", "0002", "0003")

# Alembic 1.16 renombró la opción que separa `version_locations`.
_VERSION = tuple(int(x) for x in alembic.__version__.split(".")[:2])
_SEPARADOR = "path_separator" if _VERSION >= (1, 16) else "version_path_separator"


def configuracion(capacidades: Iterable[Capacidad] | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(CARPETA))
    carpetas = [VERSIONES_NUCLEO]
    for cap in descubrir() if capacidades is None else capacidades:
        if cap.migraciones is not None:
            carpetas.append(cap.migraciones)
    cfg.set_main_option(_SEPARADOR, "os")  # rutas con espacios o comas siguen siendo una
    cfg.set_main_option("version_locations", os.pathsep.join(str(c) for c in carpetas))
    return cfg


def _adoptar_historia_lineal(cfg: Config, conn: Connection) -> None:
    """Una base creada antes de la costura tiene UNA marca, '0002' o '0003', que significaba
    «todo lo anterior también». Se reescribe con las puntas equivalentes del historial por ramas,
    sin tocar tablas. (En el historial nuevo nunca queda sola una de esas marcas: la rama del
    núcleo siempre va en 0004 o después.)"""
    actuales = MigrationContext.configure(conn).get_current_heads()
    if len(actuales) != 1 or actuales[0] not in HISTORIA_LINEAL[1:]:
        return
    script = ScriptDirectory.from_config(cfg)
    conocidas = {r.revision for r in script.walk_revisions()}
    # Si una capacidad ya no está instalada, su revisión se olvida (su tabla queda, intacta).
    aplicadas = [
        r for r in HISTORIA_LINEAL[: HISTORIA_LINEAL.index(actuales[0]) + 1] if r in conocidas
    ]
    ancestros = {
        a.revision
        for r in aplicadas
        for a in script.iterate_revisions(r, "base")
        if a is not None and a.revision != r
    }
    command.stamp(cfg, [r for r in aplicadas if r not in ancestros], purge=True)


def migrar(motor: Engine, capacidades: Iterable[Capacidad] | None = None) -> None:
    cfg = configuracion(capacidades)
    with motor.connect() as conn:
        cfg.attributes["connection"] = conn
        _adoptar_historia_lineal(cfg, conn)
        command.upgrade(cfg, "heads")
        conn.commit()

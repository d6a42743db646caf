"""Aplica las migraciones de Alembic sobre un motor (lo hace `turnos serve` al arrancar)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

CARPETA = Path(__file__).parent / "migraciones"


def configuracion() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(CARPETA))
    return cfg


def migrar(motor: Engine) -> None:
    cfg = configuracion()
    with motor.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()

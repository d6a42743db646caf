"""Ningún turno impreso se pierde en un corte de luz: SQLite confirma con `synchronous=FULL`."""

import pytest

from turnos.errores import TurnosError
from turnos.settings import Settings
from turnos.web.app import crear_app

FULL, NORMAL = 2, 1  # lo que responde `PRAGMA synchronous`


def _sincronia(app) -> int:
    with app.state.alm.motor.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA synchronous").scalar_one())


def test_por_omision_full_en_el_motor_de_la_app(sqlite_url):
    app = crear_app(Settings.desde_entorno({}, db=sqlite_url, secreto="x"))
    try:
        assert _sincronia(app) == FULL
    finally:
        app.state.alm.motor.dispose()


def test_normal_sigue_disponible_por_variable(sqlite_url):
    app = crear_app(
        Settings.desde_entorno({"TURNOS_SQLITE_SYNC": "normal"}, db=sqlite_url, secreto="x")
    )
    try:
        assert _sincronia(app) == NORMAL
    finally:
        app.state.alm.motor.dispose()


def test_valor_desconocido_se_rechaza_con_mensaje(sqlite_url):
    with pytest.raises(TurnosError, match="TURNOS_SQLITE_SYNC"):
        crear_app(
            Settings.desde_entorno({"TURNOS_SQLITE_SYNC": "RAPIDO"}, db=sqlite_url, secreto="x")
        )

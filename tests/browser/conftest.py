"""Chromium real (paquete de Debian) manejado por Playwright; se omite con motivo si falta."""

from __future__ import annotations

import os

import pytest

from tests.conftest import omitir

CHROMIUM = os.environ.get("TURNOS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def navegador():
    if not os.path.exists(CHROMIUM):
        omitir(f"no hay Chromium en {CHROMIUM} (apt-get install chromium; .ci/run lo instala)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        omitir("falta el paquete playwright (pip install '.[test]')")
    # Playwright lanza cada navegador con un perfil temporal nuevo y vacío.
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def pagina(navegador):
    contexto = navegador.new_context(viewport={"width": 1366, "height": 768}, locale="es-MX")
    p = contexto.new_page()
    yield p
    contexto.close()


@pytest.fixture
def sembrado(tmp_path):
    """uvicorn real sobre un SQLite en archivo con el centro «prueba» sembrado."""
    from tests.conftest import sembrar_centro
    from tests.servidor import servidor
    from turnos.db.almacen import Almacen
    from turnos.db.migrar import migrar
    from turnos.db.motor import crear_motor

    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(url)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    with servidor(url) as s:
        yield s, centro

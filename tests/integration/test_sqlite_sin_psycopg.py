"""Una instalación con SQLite nunca importa psycopg: los eventos (NOTIFY, puente) son del núcleo
y solo cargan el controlador de PostgreSQL cuando la base es PostgreSQL."""

import subprocess
import sys
import textwrap

PROGRAMA = textwrap.dedent(
    """
    import sys
    from starlette.testclient import TestClient
    from turnos.db.almacen import Almacen
    from turnos.db.migrar import migrar
    from turnos.db.motor import crear_motor
    from turnos.settings import Settings
    from turnos.web.app import crear_app
    from tests.conftest import AHORA, sembrar_centro

    url = sys.argv[1]
    motor = crear_motor(url)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    app = crear_app(Settings(db=url, secreto="x" * 32), reloj=lambda: AHORA)
    with TestClient(app) as cliente:
        r = cliente.post(
            "/api/v1/centros/prueba/turnos",
            json={"tramite": "A"},
            headers={"Authorization": "Bearer " + centro.kiosco_token},
        )
        assert r.status_code == 201, r.text
    print("psycopg" in sys.modules, sorted(m for m in sys.modules if m.startswith("psycopg"))[:3])
    """
)


def test_sqlite_no_importa_psycopg(tmp_path):
    r = subprocess.run(
        [sys.executable, "-c", PROGRAMA, f"sqlite:///{tmp_path / 't.db'}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("False"), r.stdout

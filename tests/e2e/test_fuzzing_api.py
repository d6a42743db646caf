"""Fuzzing de la API con schemathesis (su CLI, en un subproceso) contra el documento OpenAPI que
sirve la app real (uvicorn): cero errores del servidor y cero respuestas fuera de su esquema
(además del código, el tipo de contenido y el rechazo de datos inválidos), con token de personal
y de kiosco, en SQLite y en PostgreSQL. Acotado: pocos ejemplos por operación y semilla fija."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import sembrar_centro
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor

CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
        "negative_data_rejection",
    ]
)
EJEMPLOS = 5
CONFIG = '[parameters]\n"path.centro" = "prueba"\n'
# El kiosco solo tiene sentido en sus rutas y en emitir; el personal, en todo lo demás.
SOLO_KIOSCO = r"^/api/v1/(kiosco/|centros/\{centro\}/(turnos|impresiones)$)"


def _schemathesis(url: str, token: str, filtro: list[str], carpeta: Path) -> str | None:
    r = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "--config-file",
            str(carpeta / "schemathesis.toml"),
            "run",
            f"{url}/api/v1/openapi.json",
            *filtro,
            "--checks",
            CHECKS,
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            str(EJEMPLOS),
            "--phases",
            "examples,coverage,fuzzing",
            "--seed",
            "1",
            "--workers",
            "1",
            "--no-color",
            "--suppress-health-check",
            "all",
            "--generation-database",
            "none",
            "--request-timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=carpeta,
    )
    return None if r.returncode == 0 else r.stdout[-8000:] + r.stderr[-2000:]


def test_schemathesis_sin_errores(db_url, tmp_path):
    motor = crear_motor(db_url)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    with servidor(db_url) as srv:
        personal = _schemathesis(
            srv.url, centro.jefe_token, ["--exclude-path-regex", "^/api/v1/kiosco/"], tmp_path
        )
        kiosco = _schemathesis(
            srv.url, centro.kiosco_token, ["--include-path-regex", SOLO_KIOSCO], tmp_path
        )
    assert personal is None, personal
    assert kiosco is None, kiosco

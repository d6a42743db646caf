"""Una base creada por el main de antes de la costura (historial lineal 0001 → 0002 → 0003, con
`alembic_version` = '0003' o '0002') migra al historial por ramas sin perder tablas ni filas, y
queda en las puntas (`heads`) del historial nuevo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests.conftest import AHORA, TODO_EL_DIA
from turnos.capacidades import cargar_tablas
from turnos.db.almacen import Almacen
from turnos.db.migrar import VERSIONES_NUCLEO, configuracion, migrar
from turnos.db.motor import crear_motor
from turnos.servicios import auditoria, catalogo

RAIZ = Path(__file__).resolve().parents[2]
ENV_VIEJO = """
from alembic import context
conexion = context.config.attributes["connection"]
context.configure(connection=conexion, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
"""


def historial_viejo(destino: Path) -> Config:
    """Las revisiones 0001, 0002 y 0003 como estaban en main: el mismo cuerpo, en línea."""
    versiones = destino / "versions"
    versiones.mkdir(parents=True)
    (destino / "env.py").write_text(ENV_VIEJO, encoding="utf-8")
    (destino / "script.py.mako").write_text("", encoding="utf-8")
    nucleo = (VERSIONES_NUCLEO / "0001_esquema_inicial.py").read_text(encoding="utf-8")
    (versiones / "0001_esquema_inicial.py").write_text(nucleo, encoding="utf-8")
    for origen, previa in (
        (RAIZ / "kiosco" / "migraciones" / "0002_impresion.py", "0001"),
        (RAIZ / "metricas" / "migraciones" / "0003_kpi_dia.py", "0002"),
    ):
        texto = origen.read_text(encoding="utf-8")
        texto = re.sub(r'down_revision = "\d+"', f'down_revision = "{previa}"', texto)
        texto = re.sub(r"branch_labels = \(.*\)", "branch_labels = None", texto)
        (versiones / origen.name).write_text(texto, encoding="utf-8")
    cfg = Config()
    cfg.set_main_option("script_location", str(destino))
    return cfg


def _punta_nucleo() -> str:
    """La punta de la rama del núcleo: 0004 (la marca de la costura) o una revisión posterior."""
    script = ScriptDirectory.from_config(configuracion())
    punta = script.get_revision("nucleo@head").revision
    assert "0004" in {r.revision for r in script.iterate_revisions(punta, "base")}
    return str(punta)


def _contar(conn, tabla: str) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {tabla}")).scalar_one())


@pytest.mark.parametrize("marca", ["0003", "0002"])
def test_base_del_historial_lineal_migra_sin_perdida(db_url, tmp_path, marca):
    motor = crear_motor(db_url)
    with motor.connect() as conn:
        cfg = historial_viejo(tmp_path / "viejo")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, marca)
        conn.commit()
    with motor.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == (marca,)

    # Datos de operación con el esquema viejo: catálogo y emisión por los servicios (que solo
    # tocan tablas de entonces); el kiosco, con SQL del esquema viejo (las cuentas de hoy tienen
    # columnas y bitácora que esa base todavía no tiene).
    alm = Almacen(motor)
    catalogo.crear_centro(alm, "prueba", "Centro de prueba", horario=TODO_EL_DIA, tolerancia_min=0)
    catalogo.importar_tramites(
        alm, "prueba", [{"clave": "A", "nombre": "Trámite A", "prefijo": "A"}], AHORA
    )
    with motor.begin() as conn:
        cid = conn.execute(text("SELECT id FROM centro WHERE slug = 'prueba'")).scalar_one()
        did = conn.execute(
            text(
                "INSERT INTO dispositivo (centro_id, tipo, nombre, impresora_url, perfil, activo)"
                " VALUES (:c, 'kiosco', 'kiosco-1', '', '', true) RETURNING id"
            ),
            {"c": cid},
        ).scalar_one()
    assert did
    # Un turno con las columnas de entonces (emitir de hoy ya estima con columnas de 0005).
    with motor.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO turno (centro_id, tramo, folio, dia, token, tramite_id, clase, origen,"
                " estado, en_cola_ms, llamadas, motivo, nombre, contacto) SELECT :c, 1, 'A-001',"
                " '2026-11-23', 'tk-viejo', id, 'general', 'kiosco', 'en_espera', 1, 0, '', '',"
                " '' FROM tramite WHERE clave = 'A'"
            ),
            {"c": cid},
        )
    turno = {"folio": "A-001"}
    with motor.begin() as conn:
        centro_id = conn.execute(text("SELECT id FROM centro")).scalar_one()
        turno_id = conn.execute(
            text("SELECT id FROM turno WHERE folio = :f"), {"f": turno["folio"]}
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO impresion (clave, centro_id, turno_id, folio, impresora, perfil, datos,"
                " estado, intentos, motivo, reimpresion, creado_ms, actualizado_ms) VALUES ('c1',"
                " :c, :t, :f, 'archivo:///x', 'generico_80mm', :d, 'impreso', 1, '', false, 1, 1)"
            ),
            {"c": centro_id, "t": turno_id, "f": turno["folio"], "d": b"\x1b@hola"},
        )
        if marca == "0003":
            conn.execute(
                text(
                    "INSERT INTO kpi_dia (centro_id, dia, version, datos) VALUES (:c, :d, 1, '{}')"
                ),
                {"c": centro_id, "d": "2026-11-22"},
            )
        antes = {t: _contar(conn, t) for t in ("centro", "turno", "evento", "impresion")}

    migrar(motor)  # el historial nuevo (núcleo + ramas de las capacidades instaladas)
    migrar(motor)  # idempotente

    with motor.connect() as conn:
        assert {t: _contar(conn, t) for t in antes} == antes
        assert conn.execute(text("SELECT datos FROM impresion")).scalar_one() == b"\x1b@hola"
        assert _contar(conn, "kpi_dia") == (1 if marca == "0003" else 0)
        assert "kpi_dia" in inspect(conn).get_table_names()
        puntas = set(ScriptDirectory.from_config(configuracion()).get_heads())
        assert set(MigrationContext.configure(conn).get_current_heads()) == puntas
        assert puntas == {"0002", "m002", _punta_nucleo(), "c003", "e001", "b001"}
        assert compare_metadata(MigrationContext.configure(conn), cargar_tablas()) == []
    _, falla = auditoria.auditar(alm, "prueba")  # la bitácora sigue íntegra
    assert falla is None
    motor.dispose()


def test_base_nueva_queda_en_las_puntas_de_cada_rama(db_url):
    motor = crear_motor(db_url)
    migrar(motor)
    with motor.connect() as conn:
        actuales = set(MigrationContext.configure(conn).get_current_heads())
    script = ScriptDirectory.from_config(configuracion())
    assert actuales == set(script.get_heads())
    # Cada capacidad tiene su rama, que parte del núcleo.
    assert script.get_revision("kiosco@head").revision == "0002"
    assert script.get_revision("metricas@head").revision == "m002"
    assert _punta_nucleo() in set(script.get_heads())
    assert _punta_nucleo() == "0006_version_catalogo"  # versión del catálogo (issue 14)
    assert script.get_revision("citas@head").revision == "c003"
    assert script.get_revision("encuestas@head").revision == "e001"
    assert script.get_revision("buzon@head").revision == "b001"
    motor.dispose()

"""Issue 14: menos sentencias por comando en emitir, llamar y finalizar, sin perder frescura.

Centro, trámites y trámites por ventanilla se guardan en una caché por proceso validada por
`version_catalogo`, que suben disparadores de la base con TODA escritura a esas tablas: un cambio
por el servicio de catálogo, por SQL a mano desde otro proceso o desde otro Almacén (otro worker)
se ve en el siguiente comando.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from tests.conftest import AHORA, minutos
from turnos.db.almacen import Almacen
from turnos.db.motor import crear_motor
from turnos.dominio.estados import Accion
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado
from turnos.servicios import atencion, catalogo, emision, ventanillas


@contextmanager
def sentencias(alm: Almacen) -> Iterator[list[str]]:
    """Las sentencias de escritura que llegan al driver (sin BEGIN ni las lecturas aparte)."""
    vistas: list[str] = []

    def anotar(conn, _cur, sql, *_):  # type: ignore[no-untyped-def]
        if not conn.get_execution_options().get("solo_lectura") and not sql.startswith("BEGIN"):
            vistas.append(" ".join(sql.split()))

    event.listen(alm.motor, "before_cursor_execute", anotar)
    try:
        yield vistas
    finally:
        event.remove(alm.motor, "before_cursor_execute", anotar)


def _lee(sql: str, tabla: str) -> bool:
    return sql.startswith("SELECT") and f"FROM {tabla} " in sql + " "


def test_emitir_llamar_finalizar_sin_relecturas(alm, centro):
    pg = alm.es_pg
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    for clave in "AB":  # un ciclo por trámite llena la caché del catálogo
        emision.emitir(alm, "prueba", clave, centro.kiosco, minutos(0))
        atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(0))
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, centro.staff[0], minutos(0))
    emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(0))
    with sentencias(alm) as emitir:
        emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(1))
    # versión, contador, turno, espera (RETURNING), cadena ×2, evento (+ NOTIFY en PG)
    assert len(emitir) == 7 + pg, emitir
    assert not [s for s in emitir if _lee(s, "centro") or _lee(s, "tramite")]
    assert not [s for s in emitir if _lee(s, "espera")]  # el upsert ya devuelve la cuenta

    with sentencias(alm) as llamar:
        llamado = atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(2))
    assert llamado is not None and llamado["folio"] == "A-002"
    assert not [s for s in llamar if _lee(s, "centro") or _lee(s, "espera")]
    assert not [s for s in llamar if "FROM ventanilla_tramite" in s]
    # ni el turno recién llamado se vuelve a leer: el UPDATE … RETURNING ya lo trae
    assert not [s for s in llamar if "WHERE t.id =" in s], llamar
    # versión, ventanilla, su turno en curso, especiales, candidatos, turno (RETURNING),
    # ventanilla, espera (RETURNING), cadena ×2, evento (+ SKIP LOCKED y NOTIFY en PG)
    assert len(llamar) == 11 + 2 * pg, llamar

    with sentencias(alm) as finalizar:
        fin = atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, centro.staff[0], minutos(5))
    assert fin["estado"] == "atendido" and fin["folio"] == "A-002"
    assert not [s for s in finalizar if _lee(s, "centro") or _lee(s, "tramite")], finalizar
    # el turno en curso se lee una vez (con la ventanilla bloqueada), no dos
    assert len([s for s in finalizar if s.startswith("SELECT t.id, t.centro_id")]) == 1


def test_respuestas_iguales_a_releer(alm, centro):
    """Lo que responde cada comando coincide con lo que hay en la base (nada viejo)."""
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(0))
    assert (t["tramite_nombre"], t["centro_nombre"]) == ("Trámite A", "Centro de prueba")
    llamado = atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(3))
    assert llamado is not None
    assert llamado["estado"] == "llamado" and llamado["llamadas"] == 1
    assert llamado["tramite_nombre"] == "Trámite A" and llamado["atencion_maxima_min"] == 15
    assert llamado["llamado"] is not None and llamado["inicio"] is None
    iniciado = atencion.actuar(alm, "prueba", 1, Accion.INICIAR, centro.staff[0], minutos(4))
    assert iniciado["estado"] == "en_atencion" and iniciado["inicio_ms"] is not None
    fin = atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, centro.staff[0], minutos(9))
    with alm.lectura() as c:
        fila = c.execute(text("SELECT estado, fin_ms FROM turno WHERE folio = 'A-001'")).one()
    assert fin["estado"] == fila.estado == "atendido"
    assert fin["fin"] is not None and fila.fin_ms is not None


def test_cambio_por_el_servicio_de_catalogo_se_ve_en_la_siguiente_emision(alm, centro):
    emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(0))
    catalogo.guardar_tramite(
        alm, "prueba", {"clave": "A", "nombre": "Trámite A renovado", "prefijo": "A"}, AHORA
    )
    catalogo.actualizar_centro(alm, "prueba", {"nombre": "Centro renombrado"}, AHORA)
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))
    assert (t["tramite_nombre"], t["centro_nombre"]) == ("Trámite A renovado", "Centro renombrado")


def _sql_en_otro_proceso(url: str, *sentencias_sql: str) -> None:
    """Escribe con SQL a mano desde otro proceso (como un psql o un script del operador)."""
    codigo = (
        "import sys\nfrom sqlalchemy import create_engine, text\n"
        "with create_engine(sys.argv[1]).begin() as c:\n"
        "    for s in sys.argv[2:]:\n        c.execute(text(s))\n"
    )
    subprocess.run([sys.executable, "-c", codigo, url, *sentencias_sql], check=True, timeout=60)


def test_sql_directo_desde_otro_proceso_se_ve_en_el_siguiente_comando(alm, centro, db_url):
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(0))
    emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(0))

    _sql_en_otro_proceso(db_url, "UPDATE tramite SET nombre = 'Licencias' WHERE clave = 'A'")
    assert emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))["tramite_nombre"] == (
        "Licencias"
    )
    _sql_en_otro_proceso(db_url, "UPDATE centro SET nombre = 'Oficina Norte'")
    assert emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(1))["centro_nombre"] == (
        "Oficina Norte"
    )
    _sql_en_otro_proceso(db_url, "UPDATE tramite SET activo = false WHERE clave = 'B'")
    with pytest.raises(NoEncontrado):
        emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(2))
    cerrado = json.dumps({d: None for d in ("lun", "mar", "mie", "jue", "vie", "sab", "dom")})
    _sql_en_otro_proceso(db_url, f"UPDATE centro SET horario = '{cerrado}'")
    with pytest.raises((Conflicto, EntradaInvalida)):
        emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(3))

    # Los trámites de la ventanilla: sin ninguno asignado, llamar lo dice (no usa la lista vieja).
    _sql_en_otro_proceso(
        db_url,
        "DELETE FROM ventanilla_tramite WHERE ventanilla_id ="
        " (SELECT id FROM ventanilla WHERE numero = 1)",
    )
    with pytest.raises(Conflicto, match="no tiene trámites"):
        atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(4))


def test_marcas_cambiadas_a_mano_valen_al_finalizar(alm, centro, db_url):
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    for i in range(2):
        emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(i))
    atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(2))
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, centro.staff[0], minutos(3))  # en caché
    marcas = json.dumps([{"clave": "OK", "nombre": "Resuelto", "resuelve": True}])
    _sql_en_otro_proceso(db_url, f"UPDATE tramite SET marcas = '{marcas}' WHERE clave = 'A'")
    atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(4))
    fin = atencion.actuar(
        alm, "prueba", 1, Accion.FINALIZAR, centro.staff[0], minutos(5), resultado="OK"
    )
    assert fin["estado"] == "atendido"


def test_dos_workers_ven_el_cambio_del_otro(alm, centro, db_url):
    """Otro Almacén (otro proceso o worker, con su propia caché) cambia el catálogo."""
    otro_motor = crear_motor(db_url)
    otro = Almacen(otro_motor)
    try:
        emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(0))
        emision.emitir(otro, "prueba", "A", centro.kiosco, minutos(0))
        catalogo.guardar_tramite(
            otro, "prueba", {"clave": "A", "nombre": "Cambiado por el otro", "prefijo": "A"}, AHORA
        )
        t = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))
        assert t["tramite_nombre"] == "Cambiado por el otro"
        catalogo.guardar_tramite(
            alm, "prueba", {"clave": "A", "nombre": "Y de vuelta", "prefijo": "A"}, AHORA
        )
        assert emision.emitir(otro, "prueba", "A", centro.kiosco, minutos(2))["tramite_nombre"] == (
            "Y de vuelta"
        )
    finally:
        otro_motor.dispose()


def test_la_version_sube_con_cada_escritura_y_nunca_baja(alm, centro):
    def version() -> int:
        with alm.lectura() as c:
            return int(c.execute(text("SELECT n FROM version_catalogo")).scalar_one())

    antes = version()
    with alm.motor.begin() as c:
        c.execute(text("UPDATE tramite SET costo = 'Gratuito' WHERE clave = 'C'"))
    despues = version()
    assert despues > antes
    with alm.motor.begin() as c:
        c.execute(text("INSERT INTO ventanilla_tramite (ventanilla_id, tramite_id, orden)"
                       " SELECT v.id, t.id, 5 FROM ventanilla v, tramite t"
                       " WHERE v.numero = 99 AND t.clave = 'A'"))  # fmt: skip
    assert version() > despues

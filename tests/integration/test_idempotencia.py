"""Emisión idempotente respaldada por la BD (issue 8, punto 13), en SQLite y PostgreSQL."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import AHORA, esquema_pg, minutos, sembrar_centro
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.errores import Conflicto, EntradaInvalida
from turnos.servicios import emision, idempotencia


def _turnos(alm: Any) -> int:
    with alm.lectura() as c:
        return int(c.execute(text("SELECT count(*) FROM turno")).scalar_one())


def _pet(centro: Any, clave: str = "clave-1", cuerpo: Any = None) -> Any:
    return idempotencia.peticion(clave, centro.kiosco, "emitir_turno", cuerpo or {"tramite": "A"})


def test_misma_clave_mismo_turno_y_otra_peticion_es_conflicto(alm, centro):
    primero = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA, peticion=_pet(centro))
    pet = _pet(centro)
    # Aunque el reintento llegue después y la cola haya cambiado, la respuesta es la misma.
    emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))
    assert emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(2), peticion=pet) == primero
    assert pet.repetida and _turnos(alm) == 2
    with pytest.raises(Conflicto) as e:
        otra = _pet(centro, cuerpo={"tramite": "B"})
        emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(3), peticion=otra)
    assert e.value.codigo == "idempotencia_reusada" and _turnos(alm) == 2
    # La clave es por actor: la misma clave de otro dispositivo no choca.
    otro = idempotencia.peticion("clave-1", centro.jefe, "emitir_turno", {"tramite": "A"})
    assert emision.emitir(alm, "prueba", "A", centro.jefe, minutos(4), peticion=otro) != primero
    with pytest.raises(EntradaInvalida):
        idempotencia.peticion("con espacio", centro.kiosco, "emitir_turno", {})


def test_una_emision_fallida_no_gasta_la_clave(alm, centro):
    with pytest.raises(Exception):  # noqa: B017 - trámite inexistente: el servicio lo rechaza
        emision.emitir(alm, "prueba", "ZZ", centro.kiosco, AHORA, peticion=_pet(centro))
    r = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA, peticion=_pet(centro))
    assert r["folio"] == "A-001" and _turnos(alm) == 1


def test_misma_clave_en_paralelo_da_un_solo_turno(alm, centro):
    hilos = 2
    barrera = threading.Barrier(hilos)
    resultados: list[dict[str, Any]] = []
    errores: list[BaseException] = []

    def emitir() -> None:
        pet = _pet(centro, "paralela")
        barrera.wait()
        try:
            resultados.append(
                emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA, peticion=pet)
            )
        except BaseException as exc:  # noqa: BLE001 - se revisa abajo
            errores.append(exc)

    corredores = [threading.Thread(target=emitir) for _ in range(hilos)]
    for h in corredores:
        h.start()
    for h in corredores:
        h.join(60)
    assert errores == [] and len(resultados) == hilos
    assert resultados[0] == resultados[1] and resultados[0]["folio"] == "A-001"
    assert _turnos(alm) == 1


@pytest.fixture
def alm_pg(pg_base: str) -> Iterator[Almacen]:
    esquemas = esquema_pg(pg_base)
    url = next(esquemas)
    motor = crear_motor(f"{url}&application_name={APLICACION}", pool_size=5)
    migrar(motor)
    try:
        yield Almacen(motor)
    finally:
        motor.dispose()
        next(esquemas, None)


APLICACION = f"idem_{uuid.uuid4().hex[:10]}"


def _esperando(alm: Almacen, n: int) -> None:
    """Espera a que `n` conexiones de esta prueba estén bloqueadas por un candado."""
    fin = time.monotonic() + 30
    while time.monotonic() < fin:
        with alm.motor.connect() as c:
            bloqueadas = c.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :a"
                    " AND wait_event_type = 'Lock'"
                ),
                {"a": APLICACION},
            ).scalar_one()
        if bloqueadas >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"no se bloquearon {n} conexiones")


def test_pg_el_reintento_espera_a_la_primera_transaccion(alm_pg):
    """Intercalado forzado: la 1.ª transacción reclama la clave y queda detenida en el contador
    (otra conexión lo tiene bloqueado); la 2.ª, con la misma clave, espera sobre la restricción
    única; al soltar el contador la 1.ª confirma y la 2.ª devuelve su misma respuesta."""
    centro = sembrar_centro(alm_pg)
    emision.emitir(alm_pg, "prueba", "A", centro.kiosco, AHORA)  # crea la fila del contador
    resultados: dict[int, dict[str, Any]] = {}

    def emitir(i: int) -> None:
        pet = idempotencia.peticion("forzada", centro.kiosco, "emitir_turno", {"tramite": "A"})
        resultados[i] = emision.emitir(alm_pg, "prueba", "A", centro.kiosco, AHORA, peticion=pet)

    with alm_pg.motor.connect() as candado:
        candado.execute(text("SELECT n FROM contador FOR UPDATE"))
        primero = threading.Thread(target=emitir, args=(1,))
        primero.start()
        _esperando(alm_pg, 1)
        segundo = threading.Thread(target=emitir, args=(2,))
        segundo.start()
        _esperando(alm_pg, 2)
        candado.rollback()
    primero.join(30)
    segundo.join(30)
    assert resultados[1] == resultados[2] and resultados[1]["folio"] == "A-002"
    assert _turnos(alm_pg) == 2

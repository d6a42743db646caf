"""El escritor del Almacén (issue 14): `await alm.escribir(fn, …)`.

En SQLite todas las escrituras enviadas así corren en UN hilo propio del Almacén (los comandos se
forman sin ocupar hilos del threadpool); en PostgreSQL corren en el threadpool como antes. Un error
dentro llega a quien espera tal cual, y la transacción se revierte.
"""

import asyncio
import threading

import pytest
from sqlalchemy import text

from tests.conftest import AHORA, sembrar_centro
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.errores import Conflicto, NoEncontrado
from turnos.servicios import emision
from turnos.servicios.auditoria import auditar

NOMBRE = "turnos-escritor"


@pytest.fixture
def alm_sqlite(sqlite_url):
    motor = crear_motor(sqlite_url)
    migrar(motor)
    alm = Almacen(motor)
    sembrar_centro(alm)
    yield alm
    motor.dispose()


def _hilos_escritores() -> list[threading.Thread]:
    return [h for h in threading.enumerate() if h.name.startswith(NOMBRE)]


def _insertar_ajuste(alm, clave: str) -> tuple[int, str]:
    """Una escritura mínima: devuelve el hilo donde corrió su transacción."""
    with alm.transaccion() as tx:
        tx.ejecutar(text("INSERT INTO ajuste (clave, valor) VALUES (:c, 'x')"), {"c": clave})
        return threading.get_ident(), threading.current_thread().name


def _fallar(alm, clave: str) -> None:
    with alm.transaccion() as tx:
        tx.ejecutar(text("INSERT INTO ajuste (clave, valor) VALUES (:c, 'x')"), {"c": clave})
        raise Conflicto("La ventanilla ya tiene un turno en curso.", "turno_en_curso")


def _claves(alm) -> set[str]:
    with alm.lectura() as c:
        return {k for (k,) in c.execute(text("SELECT clave FROM ajuste"))}


def test_sqlite_un_solo_hilo_escribe_y_se_crea_hasta_usarlo(alm_sqlite):
    alm = alm_sqlite
    assert _hilos_escritores() == []  # nada se crea al construir el Almacén

    async def caso():
        return await asyncio.gather(
            *(alm.escribir(_insertar_ajuste, alm, f"k{i}") for i in range(64))
        )

    try:
        hilos = asyncio.run(caso())
        assert {ident for ident, _ in hilos} != {threading.get_ident()}
        assert len({ident for ident, _ in hilos}) == 1
        assert all(nombre.startswith(NOMBRE) for _, nombre in hilos)
        assert {f"k{i}" for i in range(64)} <= _claves(alm)
        assert len(_hilos_escritores()) == 1
    finally:
        alm.cerrar()
    assert _hilos_escritores() == []


def test_el_error_llega_igual_y_se_revierte(alm, centro):
    async def caso():
        with pytest.raises(Conflicto) as e:
            await alm.escribir(_fallar, alm, "revertida")
        assert e.value.codigo == "turno_en_curso"
        assert e.value.mensaje == "La ventanilla ya tiene un turno en curso."
        # Un servicio de verdad: sus errores del dominio salen igual que llamándolo directo.
        with pytest.raises(NoEncontrado):
            await alm.escribir(emision.emitir, alm, "no-existe", "A", centro.kiosco, AHORA)
        # El escritor sigue vivo tras los errores.
        return await alm.escribir(
            emision.emitir, alm, "prueba", "A", centro.kiosco, AHORA, clase="preferente"
        )

    try:
        t = asyncio.run(caso())
    finally:
        alm.cerrar()
    assert t["folio"] == "A-001" and t["clase"] == "preferente"
    assert "revertida" not in _claves(alm)
    assert auditar(alm, "prueba")[1] is None


def test_cerrar_termina_el_hilo_y_espera_lo_pendiente(alm_sqlite):
    """Cerrar deja terminar lo que ya estaba formado (ninguna escritura aceptada se pierde)."""
    alm = alm_sqlite

    async def caso():
        tareas = [
            asyncio.ensure_future(alm.escribir(_insertar_ajuste, alm, f"p{i}")) for i in range(20)
        ]
        await asyncio.sleep(0)  # ya están formadas en el escritor
        await asyncio.to_thread(alm.cerrar)
        return await asyncio.gather(*tareas)

    assert len(asyncio.run(caso())) == 20
    assert _hilos_escritores() == []
    assert {f"p{i}" for i in range(20)} <= _claves(alm)

    # Tras cerrar, una escritura nueva crea otro escritor (p. ej. la app reinicia su lifespan).
    asyncio.run(alm.escribir(_insertar_ajuste, alm, "despues"))
    alm.cerrar()
    assert "despues" in _claves(alm) and _hilos_escritores() == []


def test_escrituras_desde_otros_hilos_siguen_formadas(alm, centro):
    """Las escrituras que no pasan por el escritor (CLI, rutas frías) comparten el candado: folios
    consecutivos aunque se mezclen con las del escritor."""

    def kiosco(n):
        for _ in range(n):
            emision.emitir(alm, "prueba", "B", centro.kiosco, AHORA)

    async def caso():
        otros = [asyncio.to_thread(kiosco, 10) for _ in range(3)]
        propios = [
            alm.escribir(emision.emitir, alm, "prueba", "B", centro.kiosco, AHORA)
            for _ in range(30)
        ]
        await asyncio.gather(*otros, *propios)

    try:
        asyncio.run(caso())
    finally:
        alm.cerrar()
    with alm.lectura() as c:
        folios = [f for (f,) in c.execute(text("SELECT folio FROM turno ORDER BY folio"))]
    assert folios == [f"B-{n:03d}" for n in range(1, 61)]
    assert auditar(alm, "prueba")[1] is None

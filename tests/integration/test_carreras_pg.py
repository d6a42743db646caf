"""Carreras en PostgreSQL con dos conexiones forzadas a intercalarse.

Un disparador de prueba frena la primera transacción justo después de su UPDATE del turno (con el
renglón ya bloqueado) hasta que la prueba suelta un candado consultivo; mientras, la segunda
transacción corre de verdad. Sin un orden de bloqueo único (ventanilla → turno), eso es un
interbloqueo; sin UPDATE guardado por estado, un evento que no corresponde al estado guardado.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import AHORA, esquema_pg, minutos, sembrar_centro
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor
from turnos.dominio.estados import Accion
from turnos.errores import TurnosError
from turnos.permisos import Actor
from turnos.servicios import atencion, cierre, emision, ventanillas

pytestmark = pytest.mark.postgres


@pytest.fixture
def alm_pg(pg_base: str) -> Iterator[Almacen]:
    for url in esquema_pg(pg_base):
        motor = crear_motor(url, pool_size=5)
        migrar(motor)
        yield Almacen(motor)
        motor.dispose()


def _frenar(alm: Almacen, clave: int, estado: str) -> None:
    """Disparador: un UPDATE que deja el turno en `estado` espera el candado consultivo `clave`."""
    with alm.motor.begin() as c:
        c.execute(
            text(
                "CREATE FUNCTION frenar() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" PERFORM pg_advisory_xact_lock_shared({clave}); RETURN NEW; END $$"
            )
        )
        c.execute(
            text(
                "CREATE TRIGGER frenar AFTER UPDATE ON turno FOR EACH ROW"
                f" WHEN (NEW.estado = '{estado}') EXECUTE FUNCTION frenar()"
            )
        )


def _esperar_bloqueado_por(alm: Almacen, pid: int) -> int:
    """El pid de la sesión que `pid` tiene esperando (sincronización, no aserción de tiempo)."""
    for _ in range(2000):
        with alm.motor.connect() as c:
            fila = c.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE :p = ANY(pg_blocking_pids(pid)) LIMIT 1"
                ),
                {"p": pid},
            ).first()
        if fila is not None:
            return int(fila.pid)
        threading.Event().wait(0.01)
    raise AssertionError(f"nadie quedó esperando a la sesión {pid}")


def _en_hilo(funcion: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    salida: list[Any] = []

    def correr() -> None:
        try:
            salida.append(funcion())
        except BaseException as e:  # noqa: BLE001 - la prueba examina lo que salió
            salida.append(e)

    hilo = threading.Thread(target=correr)
    hilo.start()
    return hilo, salida


def _intercalar(
    alm: Almacen, estado_frenado: str, primero: Callable[[], Any], segundo: Callable[[], Any]
) -> list[Any]:
    """`primero` se frena tras su UPDATE del turno; `segundo` corre hasta quedar esperando."""
    clave = random.randint(1, 2**31 - 1)  # candados consultivos: son de toda la base
    _frenar(alm, clave, estado_frenado)
    with alm.motor.connect() as a:
        a.execute(text("SELECT pg_advisory_lock(:k)"), {"k": clave})
        pid_a = a.execute(text("SELECT pg_backend_pid()")).scalar_one()
        h1, s1 = _en_hilo(primero)
        pid_1 = _esperar_bloqueado_por(alm, pid_a)
        h2, s2 = _en_hilo(segundo)
        _esperar_bloqueado_por(alm, pid_1)
        a.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": clave})
        a.commit()
    h1.join(60)
    h2.join(60)
    return s1 + s2


def _sin_errores_de_bd(salidas: list[Any]) -> None:
    for s in salidas:
        if isinstance(s, BaseException):
            assert isinstance(s, TurnosError), f"error de BD en vez de un 409 claro: {s!r}"
            assert s.status == 409


def _bitacora_cuadra(alm: Almacen) -> None:
    """Cada turno terminado tiene exactamente un evento final, y es el de su estado guardado."""
    finales = {
        "turno_finalizado": "atendido",
        "turno_ausente": "ausente",
        "turno_cancelado": "cancelado",
        "turno_expirado": "expirado",
        "turno_transferido": "transferido",
    }
    with alm.lectura() as c:
        estados = dict(c.execute(text("SELECT id, estado FROM turno")).all())
        eventos = c.execute(
            text("SELECT turno_id, tipo FROM evento WHERE turno_id IS NOT NULL ORDER BY seq")
        ).all()
        activos = c.execute(
            text(
                "SELECT v.numero, v.estado, count(t.id) FROM ventanilla v LEFT JOIN turno t"
                " ON t.ventanilla_id = v.id AND t.estado IN ('llamado', 'en_atencion')"
                " GROUP BY v.numero, v.estado"
            )
        ).all()
    por_turno: dict[int, list[str]] = {}
    for tid, tipo in eventos:
        if tipo in finales:
            por_turno.setdefault(tid, []).append(finales[tipo])
    for tid, estado in estados.items():
        esperado = [estado] if estado in finales.values() else []
        assert por_turno.get(tid, []) == esperado, (tid, estado, por_turno.get(tid))
    for numero, estado, n in activos:  # «atendiendo» si y solo si tiene un turno activo
        assert (estado == "atendiendo") == (n == 1), (numero, estado, n)


def _turno_llamado(alm: Almacen) -> tuple[dict[str, Any], Actor]:
    """Un centro con la ventanilla 1 abierta y su turno A-001 llamado."""
    centro = sembrar_centro(alm, ventanillas=1)
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    v1 = centro.staff[0]
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", v1, AHORA)
    atencion.llamar(alm, "prueba", 1, v1, minutos(1))
    return t, v1


def test_cancelar_y_finalizar_no_se_interbloquean(alm_pg: Almacen) -> None:
    t, v1 = _turno_llamado(alm_pg)
    salidas = _intercalar(
        alm_pg,
        "cancelado",
        lambda: emision.cancelar(alm_pg, t["token"], minutos(2), "ya no espero"),
        lambda: atencion.actuar(alm_pg, "prueba", 1, Accion.FINALIZAR, v1, minutos(2)),
    )
    _sin_errores_de_bd(salidas)
    _bitacora_cuadra(alm_pg)


def test_cierre_y_finalizar_no_se_pisan(alm_pg: Almacen) -> None:
    _, v1 = _turno_llamado(alm_pg)
    salidas = _intercalar(
        alm_pg,
        "expirado",
        lambda: cierre.cerrar_dia(alm_pg, "prueba", None, minutos(2), sistema=True),
        lambda: atencion.actuar(alm_pg, "prueba", 1, Accion.FINALIZAR, v1, minutos(2)),
    )
    _sin_errores_de_bd(salidas)
    _bitacora_cuadra(alm_pg)


def test_registrar_datos_no_escribe_en_un_turno_que_ya_expiro(alm_pg: Almacen) -> None:
    _, v1 = _turno_llamado(alm_pg)
    salidas = _intercalar(
        alm_pg,
        "expirado",
        lambda: cierre.cerrar_dia(alm_pg, "prueba", None, minutos(2), sistema=True),
        lambda: atencion.registrar_datos(
            alm_pg, "prueba", 1, v1, minutos(2), "Persona Atendida", "4770000000"
        ),
    )
    _sin_errores_de_bd(salidas)
    with alm_pg.lectura() as c:
        registrados = c.execute(
            text("SELECT count(*) FROM evento WHERE tipo = 'datos_registrados'")
        ).scalar_one()
        nombres = c.execute(text("SELECT count(*) FROM turno WHERE nombre <> ''")).scalar_one()
    assert registrados == nombres  # nunca un evento sin dato, ni un dato sin evento

"""40 reservas (y 40 reprogramaciones) a la vez hacia un horario con k lugares: exactamente k
éxitos, el resto `cupo_agotado`, 0 errores. Varios almacenes (motores) sobre la misma BD, para
que el candado de escritura en proceso de SQLite no tape una carrera: la que decide es la BD."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from citas import reservas
from tests.citas_apoyo import con_agenda, datos, inicio
from tests.conftest import AHORA
from turnos.db.almacen import Almacen
from turnos.db.motor import crear_motor
from turnos.errores import TurnosError

HILOS, LUGARES, MOTORES = 40, 3, 4


@pytest.fixture
def almacenes(db_url: str) -> Iterator[list[Almacen]]:
    motores = [crear_motor(db_url, pool_size=HILOS // MOTORES + 2) for _ in range(MOTORES)]
    yield [Almacen(m) for m in motores]
    for m in motores:
        m.dispose()


def _a_la_vez(tarea: Callable[[int], object]) -> Counter[str]:
    resultados: Counter[str] = Counter()
    candado = threading.Lock()
    salida = threading.Barrier(HILOS)

    def correr(i: int) -> None:
        salida.wait()
        try:
            tarea(i)
            r = "ok"
        except TurnosError as e:
            r = e.codigo
        except BaseException as e:  # noqa: BLE001 - cualquier otra cosa es un error
            r = f"error {type(e).__name__}: {e}"
        with candado:
            resultados[r] += 1

    hilos = [threading.Thread(target=correr, args=(i,)) for i in range(HILOS)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    return resultados


def _ocupados(alm: Almacen, hora: int) -> tuple[int, int]:
    with alm.lectura() as c:
        cupo = c.execute(
            text("SELECT ocupados FROM cita_cupo WHERE inicio_ms = :i"),
            {"i": int(reservas.leer_inicio(inicio(hora)).timestamp() * 1000)},
        ).scalar_one()
        citas = c.execute(
            text("SELECT count(*) FROM cita WHERE estado = 'agendada' AND inicio_ms = :i"),
            {"i": int(reservas.leer_inicio(inicio(hora)).timestamp() * 1000)},
        ).scalar_one()
    return cupo, citas


@pytest.mark.lento
def test_40_reservas_para_k_lugares(alm, centro, almacenes):
    con_agenda(alm, centro, lugares=LUGARES, tope_por_curp=50)
    r = _a_la_vez(lambda i: reservas.crear(almacenes[i % MOTORES], "prueba", datos(i), AHORA))
    assert r == Counter({"ok": LUGARES, "cupo_agotado": HILOS - LUGARES})
    assert _ocupados(alm, 9) == (LUGARES, LUGARES)


@pytest.mark.lento
def test_40_reprogramaciones_hacia_un_horario_lleno(alm, centro, almacenes):
    con_agenda(alm, centro, lugares=LUGARES, tope_por_curp=50)
    # 40 citas repartidas de 3 en 3 entre las 00:00 y las 06:30; el destino (12:00) está vacío
    tokens = [
        reservas.crear(
            alm, "prueba", datos(i, hora=i // LUGARES // 2, minuto=30 * (i // LUGARES % 2)), AHORA
        )["token"]
        for i in range(HILOS)
    ]
    r = _a_la_vez(
        lambda i: reservas.reprogramar(almacenes[i % MOTORES], tokens[i], inicio(12), AHORA)
    )
    assert r == Counter({"ok": LUGARES, "cupo_agotado": HILOS - LUGARES})
    assert _ocupados(alm, 12) == (LUGARES, LUGARES)
    with alm.lectura() as c:
        total = c.execute(text("SELECT sum(ocupados) FROM cita_cupo")).scalar_one()
    assert total == HILOS  # nadie perdió su lugar ni quedó con dos


@pytest.mark.lento
def test_intercambiar_horarios_a_la_vez_sin_bloqueo_mutuo(alm, centro, almacenes):
    # 20 citas a las 9:00 pasan a las 10:00 y 20 de las 10:00 a las 9:00, todas a la vez: cada
    # una toca las mismas dos filas de cupo; en orden distinto se bloquearían mutuamente.
    con_agenda(alm, centro, lugares=HILOS, tope_por_curp=50)
    horas = [9 if i % 2 == 0 else 10 for i in range(HILOS)]
    tokens = [
        reservas.crear(alm, "prueba", datos(i, hora=horas[i]), AHORA)["token"] for i in range(HILOS)
    ]
    r = _a_la_vez(
        lambda i: reservas.reprogramar(
            almacenes[i % MOTORES], tokens[i], inicio(19 - horas[i]), AHORA
        )
    )
    assert r == Counter({"ok": HILOS})
    assert _ocupados(alm, 9) == (HILOS // 2, HILOS // 2)
    assert _ocupados(alm, 10) == (HILOS // 2, HILOS // 2)

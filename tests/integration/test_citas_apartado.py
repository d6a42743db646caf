"""Apartado del horario mientras se llena el formulario, en la BD real (SQLite y PostgreSQL):
un apartado vigente ocupa su lugar (nadie más lo toma) y su dueño lo convierte en cita; vencido,
cuenta como libre y lo libera quien intenta ocupar el horario; 40 a la vez apartando k lugares
→ exactamente k; 40 reservas a la vez sobre apartados vencidos no restan dos veces."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text

from citas import apartados, reservas
from tests.citas_apoyo import MANANA, con_agenda, datos, inicio
from tests.conftest import AHORA
from tests.integration.test_citas_concurrencia import (  # noqa: F401 - fixture
    HILOS,
    MOTORES,
    _a_la_vez,
    _ocupados,
    almacenes,
)
from turnos.errores import Conflicto

VENCIDO = AHORA + timedelta(minutes=apartados.DURACION_MIN, seconds=1)


def _libres(alm, hora: int, ahora=AHORA) -> int:
    disp = reservas.disponibilidad(
        alm,
        "prueba",
        "A",
        AHORA.date() + timedelta(days=1),
        AHORA.date() + timedelta(days=1),
        ahora,
    )
    return next(h["libres"] for h in disp["horarios"] if h["inicio"] == inicio(hora))


def _apartados(alm) -> int:
    with alm.lectura() as c:
        return c.execute(text("SELECT count(*) FROM cita_apartado")).scalar_one()


def test_apartado_vigente_se_respeta_y_su_dueno_lo_convierte(alm, centro):
    con_agenda(alm, centro, lugares=1)
    a = reservas.apartar(alm, "prueba", "A", inicio(9), AHORA)
    assert a["expira"] == f"{MANANA[:8]}23T10:{apartados.DURACION_MIN:02d}:00-06:00"
    assert _libres(alm, 9) == 0
    with pytest.raises(Conflicto) as e:
        reservas.crear(alm, "prueba", datos(1), AHORA + timedelta(minutes=5))
    assert e.value.codigo == "cupo_agotado"
    with pytest.raises(Conflicto) as e:
        reservas.apartar(alm, "prueba", "A", inicio(9), AHORA + timedelta(minutes=5))
    assert e.value.codigo == "cupo_agotado"
    cita = reservas.crear(
        alm, "prueba", datos(2), AHORA + timedelta(minutes=6), apartado=a["apartado"]
    )
    assert cita["estado"] == "agendada"
    assert _ocupados(alm, 9) == (1, 1) and _apartados(alm) == 0


def test_elegir_otro_horario_suelta_el_anterior(alm, centro):
    con_agenda(alm, centro, lugares=1)
    a = reservas.apartar(alm, "prueba", "A", inicio(9), AHORA)
    b = reservas.apartar(alm, "prueba", "A", inicio(10), AHORA, previo=a["apartado"])
    assert _libres(alm, 9) == 1 and _libres(alm, 10) == 0 and _apartados(alm) == 1
    reservas.crear(alm, "prueba", datos(3), AHORA)  # el de las 9 quedó libre
    assert _ocupados(alm, 9) == (1, 1)
    assert b["apartado"] != a["apartado"]


def test_apartado_vencido_cuenta_como_libre_y_se_libera_al_ocupar(alm, centro):
    con_agenda(alm, centro, lugares=2)
    x = reservas.apartar(alm, "prueba", "A", inicio(9), AHORA)
    y = reservas.apartar(alm, "prueba", "A", inicio(9), AHORA)
    with pytest.raises(Conflicto):
        reservas.crear(alm, "prueba", datos(1), AHORA)
    assert _libres(alm, 9) == 0
    assert _libres(alm, 9, VENCIDO) == 2  # vencidos: libres aunque sigan en la tabla
    reservas.crear(alm, "prueba", datos(1), VENCIDO)  # libera los 2 vencidos y ocupa 1
    assert _ocupados(alm, 9) == (1, 1) and _apartados(alm) == 0
    # el dueño de un apartado ya liberado compite como cualquiera: queda 1 lugar
    reservas.crear(alm, "prueba", datos(2), VENCIDO, apartado=x["apartado"])
    with pytest.raises(Conflicto) as e:
        reservas.crear(alm, "prueba", datos(3), VENCIDO, apartado=y["apartado"])
    assert e.value.codigo == "cupo_agotado"
    assert _ocupados(alm, 9) == (2, 2)


@pytest.mark.lento
def test_40_apartan_a_la_vez_k_lugares(alm, centro, almacenes):  # noqa: F811
    con_agenda(alm, centro, lugares=3, tope_por_curp=50)
    r = _a_la_vez(
        lambda i: reservas.apartar(almacenes[i % MOTORES], "prueba", "A", inicio(9), AHORA)
    )
    assert r == Counter({"ok": 3, "cupo_agotado": HILOS - 3})
    assert _ocupados(alm, 9) == (3, 0) and _apartados(alm) == 3
    # vencidos: 40 reservas a la vez los liberan una sola vez y toman exactamente 3 lugares
    r = _a_la_vez(lambda i: reservas.crear(almacenes[i % MOTORES], "prueba", datos(i), VENCIDO))
    assert r == Counter({"ok": 3, "cupo_agotado": HILOS - 3})
    assert _ocupados(alm, 9) == (3, 3) and _apartados(alm) == 0

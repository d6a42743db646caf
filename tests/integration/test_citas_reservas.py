"""Reservas de citas contra la BD real (SQLite y PostgreSQL): cupo, límites por CURP, eventos
sin datos personales, cancelar y reprogramar."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from citas import reservas
from tests.citas_apoyo import con_agenda, curp, datos, inicio
from tests.conftest import AHORA
from turnos.errores import TurnosError
from turnos.servicios import catalogo


def _codigo(fn, *args) -> str:
    with pytest.raises(TurnosError) as e:
        fn(*args)
    return e.value.codigo


def test_crear_guarda_curp_solo_en_la_cita_y_evento_sin_datos_personales(alm, centro):
    con_agenda(alm, centro)
    r = reservas.crear(alm, "prueba", datos(1, correo="a@b.mx"), AHORA)
    assert r["estado"] == "agendada" and r["folio"].startswith("C-")
    assert r["inicio"] == "2026-11-24T09:00:00-06:00" and r["fin"] == "2026-11-24T09:30:00-06:00"
    assert "curp" not in r and "nombre" not in r
    with alm.lectura() as c:
        fila = c.execute(text("SELECT curp, inicio_ms, token_hash FROM cita")).one()
        eventos = c.execute(text("SELECT tipo, datos, publico FROM evento")).all()
    assert fila.curp == curp(1)
    assert fila.inicio_ms == 1795532400000  # 2026-11-24 15:00 UTC
    assert r["token"] not in fila.token_hash  # solo su SHA-256
    agendadas = [e for e in eventos if e.tipo == "cita_agendada"]
    assert len(agendadas) == 1
    for e in eventos:
        assert curp(1) not in e.datos + e.publico and "Persona 1" not in e.datos + e.publico
        assert "a@b.mx" not in e.datos + e.publico
    assert json.loads(agendadas[0].datos)["folio"] == r["folio"]


def test_cupo_limites_y_horario_no_ofrecido(alm, centro):
    con_agenda(alm, centro, lugares=2, tope_por_curp=2)
    reservas.crear(alm, "prueba", datos(1), AHORA)
    reservas.crear(alm, "prueba", datos(2), AHORA)
    assert _codigo(reservas.crear, alm, "prueba", datos(3), AHORA) == "cupo_agotado"
    # una cita agendada por CURP y trámite
    assert _codigo(reservas.crear, alm, "prueba", datos(1, hora=11), AHORA) == "limite_por_persona"
    # otro trámite sí; el tercero en el periodo choca con el tope
    reservas.crear(alm, "prueba", datos(1, hora=11, tramite="B"), AHORA)
    catalogo.importar_tramites(
        alm, "prueba", [{"clave": "D", "nombre": "D", "prefijo": "D"}], AHORA
    )
    from citas import configuracion

    configuracion.guardar_agenda(alm, "prueba", "D", centro.jefe, AHORA, lugares=1)
    assert (
        _codigo(reservas.crear, alm, "prueba", datos(1, hora=12, tramite="D"), AHORA)
        == "limite_por_persona"
    )
    # minuto que no es inicio de horario; hoy con menos de la anticipación mínima
    assert _codigo(reservas.crear, alm, "prueba", datos(4, minuto=10), AHORA) == (
        "horario_no_disponible"
    )
    hoy = datos(4) | {"inicio": inicio(10, 30, "2026-11-23")}
    assert _codigo(reservas.crear, alm, "prueba", hoy, AHORA) == "horario_no_disponible"
    mala = datos(4) | {"curp": curp(4)[:-1] + str((int(curp(4)[-1]) + 1) % 10)}
    assert _codigo(reservas.crear, alm, "prueba", mala, AHORA) == "curp_invalida"


def test_dia_inhabil_no_se_ofrece(alm, centro):
    con_agenda(alm, centro)
    catalogo.actualizar_centro(alm, "prueba", {"inhabiles": ["2026-11-24"]}, AHORA)
    assert _codigo(reservas.crear, alm, "prueba", datos(1), AHORA) == "horario_no_disponible"
    disp = reservas.disponibilidad(
        alm, "prueba", "A", *(AHORA.date(), AHORA.date().replace(day=25)), AHORA
    )
    assert disp["horarios"] and not any(
        h["inicio"].startswith("2026-11-24") for h in disp["horarios"]
    )


def test_cancelar_libera_y_reprogramar_mueve_el_lugar(alm, centro):
    con_agenda(alm, centro, lugares=1)
    a = reservas.crear(alm, "prueba", datos(1), AHORA)
    b = reservas.crear(alm, "prueba", datos(2, hora=10), AHORA)
    # reprogramar hacia un horario lleno: cupo_agotado y la cita queda como estaba
    assert _codigo(reservas.reprogramar, alm, a["token"], inicio(10), AHORA) == "cupo_agotado"
    assert reservas.estado(alm, a["token"])["secuencia"] == 0
    movida = reservas.reprogramar(alm, a["token"], inicio(11), AHORA)
    assert movida["inicio"] == "2026-11-24T11:00:00-06:00" and movida["secuencia"] == 1
    reservas.crear(alm, "prueba", datos(3), AHORA)  # las 9:00 quedaron libres
    cancelada = reservas.cancelar(alm, b["token"], AHORA)
    assert cancelada["estado"] == "cancelada" and cancelada["secuencia"] == 1
    reservas.crear(alm, "prueba", datos(4, hora=10), AHORA)  # las 10:00 también
    assert _codigo(reservas.cancelar, alm, b["token"], AHORA) == "cita_cancelada"
    # la misma CURP puede volver a agendar el trámite tras cancelar
    reservas.crear(alm, "prueba", datos(2, hora=12), AHORA)
    disp = reservas.disponibilidad(alm, "prueba", "A", AHORA.date(), AHORA.date(), AHORA)
    assert disp["tramite"] == "A"
    manana = reservas.disponibilidad(
        alm, "prueba", "A", AHORA.date().replace(day=24), AHORA.date().replace(day=24), AHORA
    )
    libres = {h["inicio"][11:16]: h["libres"] for h in manana["horarios"]}
    assert libres["09:00"] == 0 and libres["10:00"] == 0 and libres["11:00"] == 0
    assert libres["12:00"] == 0 and libres["13:00"] == 1
    with alm.lectura() as c:
        tipos = [t for (t,) in c.execute(text("SELECT tipo FROM evento WHERE tipo LIKE 'cita_%'"))]
    assert tipos.count("cita_reprogramada") == 1 and tipos.count("cita_cancelada") == 1


def test_la_demo_trae_agenda_para_los_proximos_dias(alm, tmp_path):
    from datetime import timedelta

    from turnos import demo

    demo.sembrar(alm, AHORA, tmp_path)
    with alm.lectura() as c:
        claves = [
            k
            for (k,) in c.execute(
                text("SELECT tr.clave FROM cita_agenda a JOIN tramite tr ON tr.id = a.tramite_id")
            )
        ]
    assert claves
    manana = AHORA.date() + timedelta(days=1)
    disp = reservas.disponibilidad(
        alm, "demo", claves[0], manana, manana + timedelta(days=6), AHORA
    )
    # Horario real de la demo: en 7 días hay 5 hábiles de 08:30 a 15:30 (14 medias horas).
    assert len(disp["horarios"]) == 5 * 14 and all(h["libres"] >= 1 for h in disp["horarios"])


def test_politica_de_inasistencias(alm, centro):
    from datetime import timedelta

    from citas import registro

    con_agenda(alm, centro, inasistencias_max=1, inasistencias_dias=90)
    reservas.crear(alm, "prueba", datos(1), AHORA)  # martes 9:00; no llega
    martes = AHORA + timedelta(days=1)  # martes 10:00
    assert registro.marcar_inasistencias(alm, martes) == 1
    miercoles = datos(1, hora=11) | {"inicio": inicio(11, 0, "2026-11-25")}
    reservas.crear(alm, "prueba", miercoles, martes)  # la primera sí
    otra = datos(1, tramite="B") | {"inicio": inicio(12, 0, "2026-11-25")}
    assert _codigo(reservas.crear, alm, "prueba", otra, martes) == "limite_por_persona"
    reservas.crear(alm, "prueba", datos(2, tramite="B") | {"inicio": otra["inicio"]}, martes)

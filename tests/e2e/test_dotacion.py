"""Consejo de dotación: API y página, con historia del mismo día de la semana."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from turnos.dominio.dotacion import recomendar
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, emision, ventanillas


def _historia(alm, centro):
    """Dos lunes previos, 10:00–11:00 local: 6 y 4 turnos de A atendidos en 10 min cada uno."""
    v = centro.staff[0]
    for semana, n in ((1, 6), (2, 4)):
        base = AHORA - timedelta(weeks=semana)
        ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", v, base)
        for i in range(n):
            emision.emitir(alm, "prueba", "A", centro.kiosco, base + timedelta(minutes=i))
        for i in range(n):
            llamado = base + timedelta(minutes=10 * i)
            atencion.llamar(alm, "prueba", 1, v, llamado)
            atencion.actuar(alm, "prueba", 1, Accion.INICIAR, v, llamado)
            atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, llamado + timedelta(minutes=10))


def test_api_recomienda_con_erlang_c(alm, centro, cliente):
    _historia(alm, centro)
    r = cliente.get(
        "/api/v1/centros/prueba/dotacion?fecha=2026-11-23", headers=bearer(centro.jefe_token)
    )
    assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["semanas"][:2] == ["2026-11-16", "2026-11-09"]
    horas = {h["hora"]: h for h in plan["horas"]}
    a = horas["10:00"]["tramites"][0]
    # 10 turnos en 4 semanas (las 2 sin historia cuentan como 0): 2.5 por hora; 10 min; meta 30.
    assert (a["tramite"], a["llegadas"], a["atencion_media_s"], a["meta_s"]) == (
        "A",
        2.5,
        600,
        1800,
    )
    assert a["ventanillas"] == recomendar(2.5, 600, 1800).ventanillas == 1


def test_fecha_invalida_y_pagina(alm, centro, cliente):
    r = cliente.get(
        "/api/v1/centros/prueba/dotacion?fecha=mañana", headers=bearer(centro.jefe_token)
    )
    assert r.status_code == 400 and r.json()["error"]
    vacia = cliente.get("/api/v1/centros/prueba/dotacion?fecha=", headers=bearer(centro.jefe_token))
    assert vacia.status_code == 400
    _historia(alm, centro)
    pagina = cliente.get(
        "/tablero/prueba/dotacion?fecha=2026-11-23", headers=bearer(centro.jefe_token)
    )
    assert pagina.status_code == 200 and "Ventanillas recomendadas" in pagina.text
    assert "Trámite A" in pagina.text


def test_llegadas_suman_citas_reservadas_y_nivel_del_plan_del_catalogo(alm, centro, cliente):
    """Martes 24: historia de 4 turnos de A a las 10:00 el martes previo (1 por hora en 4
    semanas) más 3 citas reservadas a las 10:00 (una cuarta, cancelada, no cuenta) y 1 a las
    12:00. Sin plan de horarios en el modelo, el plan es el catálogo: 3 ventanillas A+B."""
    from citas import reservas
    from tests.citas_apoyo import con_agenda, datos
    from turnos.dominio.dotacion import nivel_servicio, recomendar

    con_agenda(alm, centro, lugares=3)
    for n in (1, 2, 3):
        reservas.crear(alm, "prueba", datos(n, hora=10), AHORA)
    cancelada = reservas.crear(alm, "prueba", datos(4, hora=10, minuto=30), AHORA)
    reservas.cancelar(alm, cancelada["token"], AHORA)
    reservas.crear(alm, "prueba", datos(5, hora=12), AHORA)
    martes_previo = AHORA + timedelta(days=1) - timedelta(weeks=1)  # 10:00 local
    for i in range(4):
        emision.emitir(alm, "prueba", "A", centro.kiosco, martes_previo + timedelta(minutes=i))

    r = cliente.get(
        "/api/v1/centros/prueba/dotacion?fecha=2026-11-24", headers=bearer(centro.jefe_token)
    )
    assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["plan_origen"] == "catalogo"
    horas = {h["hora"]: h for h in plan["horas"]}
    assert set(horas) == {"10:00", "12:00"}
    diez = horas["10:00"]["tramites"]
    assert [(t["tramite"], t["llegadas"], t["citas"]) for t in diez] == [("A", 4.0, 3)]
    doce = horas["12:00"]["tramites"]
    assert [(t["tramite"], t["llegadas"], t["citas"]) for t in doce] == [("A", 1.0, 1)]
    a = diez[0]
    assert a["ventanillas"] == recomendar(4.0, 900, 1800).ventanillas
    esperado = round(nivel_servicio(4.0 * 900 / 3600, 3, 900, 1800), 4)
    assert (a["ventanillas_plan"], a["nivel_servicio_plan"]) == (3, esperado)
    assert horas["10:00"]["plan"] == {"ventanillas": 3, "nivel_servicio": esperado}
    assert "Persona" not in r.text  # solo conteos

    pagina = cliente.get(
        "/tablero/prueba/dotacion?fecha=2026-11-24", headers=bearer(centro.jefe_token)
    ).text
    assert "Citas reservadas" in pagina and "Plan (catálogo)" in pagina
    fila = pagina[pagina.index("10:00") :].split("</tr>")[0]
    assert "<td>3</td>" in fila and f"{round(esperado * 100, 1)} %" in fila


def test_la_historia_no_cuenta_dos_veces_las_citas(alm, centro, cliente):
    """Martes 24 a las 10: una cita registrada en el kiosco (turno de clase «cita») y un turno
    sin cita. Para el martes 1 la historia cuenta solo el turno sin cita (1 en 4 semanas): las
    citas de ese día entran por su reserva, no por la historia."""
    from datetime import datetime

    from citas import registro, reservas
    from tests.citas_apoyo import con_agenda, datos

    con_agenda(alm, centro)
    cita = reservas.crear(alm, "prueba", datos(1, hora=10), AHORA)
    diez = datetime.fromisoformat("2026-11-24T10:00:00-06:00")
    registro.registrar(alm, "prueba", cita["folio"], centro.kiosco, diez - timedelta(minutes=5))
    emision.emitir(alm, "prueba", "A", centro.kiosco, diez + timedelta(minutes=5))
    r = cliente.get(
        "/api/v1/centros/prueba/dotacion?fecha=2026-12-01", headers=bearer(centro.jefe_token)
    )
    assert r.status_code == 200, r.text
    (hora,) = r.json()["horas"]
    assert hora["hora"] == "10:00"
    assert [(t["tramite"], t["llegadas"], t["citas"]) for t in hora["tramites"]] == [("A", 0.25, 0)]

"""La demo guarda un horario realista (lunes a viernes 08:30–15:30) y `serve --demo` la abre a
cualquier hora solo mientras corre. Reloj inyectado: el núcleo recibe el tiempo como argumento."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from turnos import demo
from turnos.errores import FueraDeHorario
from turnos.servicios import consultas, cuentas, emision

TZ = ZoneInfo("America/Mexico_City")
MIERCOLES_10 = datetime(2026, 3, 4, 10, 0, tzinfo=TZ)
MIERCOLES_03 = datetime(2026, 3, 4, 3, 0, tzinfo=TZ)
SABADO_11 = datetime(2026, 3, 7, 11, 0, tzinfo=TZ)


def _horario(alm):
    with alm.lectura() as conn:
        return consultas.centro(conn, demo.SLUG).horario


def _kiosco(alm, cred):
    token = next(t for tipo, _n, t in cred.dispositivos if tipo == "kiosco")
    with alm.lectura() as conn:
        return cuentas.actor_de_token(conn, token)


def test_la_demo_guarda_el_horario_realista(alm, tmp_path):
    k = _kiosco(alm, demo.sembrar(alm, MIERCOLES_10, tmp_path))
    h = _horario(alm)
    assert h["lun"] == h["vie"] == ["08:30", "15:30"]
    assert h["sab"] is None and h["dom"] is None
    # En horario se emite; a las 03:00 y en sábado no.
    assert emision.emitir(alm, "demo", "LIC", k, MIERCOLES_10)["folio"]
    for cuando in (MIERCOLES_03, SABADO_11):
        with pytest.raises(FueraDeHorario):
            emision.emitir(alm, "demo", "LIC", k, cuando)


def test_serve_demo_abre_a_las_tres_y_en_sabado_y_al_terminar_vuelve_al_real(alm, tmp_path):
    k = _kiosco(alm, demo.sembrar(alm, MIERCOLES_10, tmp_path))
    demo.extender_horario(alm, MIERCOLES_03)
    for cuando in (MIERCOLES_03, SABADO_11):
        assert emision.emitir(alm, "demo", "ACT", k, cuando)["folio"].startswith("A-")
    demo.restaurar_horario(alm, SABADO_11)
    assert _horario(alm)["sab"] is None and _horario(alm)["mie"] == ["08:30", "15:30"]
    with pytest.raises(FueraDeHorario):
        emision.emitir(alm, "demo", "ACT", k, SABADO_11)


def test_el_texto_de_la_demo_dice_el_horario_y_como_abre():
    assert "08:30 a 15:30" in demo.AVISO_HORARIO
    assert "abre de todos modos" in demo.AVISO_HORARIO and "--demo" in demo.AVISO_HORARIO

"""Cierre del día: los turnos en atención se finalizan (no bajan «atendidos») y con el centro
abierto según su horario hay que confirmar (docs/KPIS.md)."""

import json

import pytest
from sqlalchemy import text

from tests.conftest import AHORA, minutos, verificar_espera
from turnos.dominio.estados import Accion
from turnos.errores import Conflicto
from turnos.servicios import atencion, catalogo, cierre, emision, ventanillas
from turnos.servicios.auditoria import auditar

LUN_A_VIE = {d: ["08:30", "15:30"] for d in ("lun", "mar", "mie", "jue", "vie")}


def test_cierre_finaliza_los_que_estan_en_atencion(alm, centro):
    catalogo.actualizar_centro(alm, "prueba", {"horario": LUN_A_VIE}, AHORA)
    for i in range(3):
        emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(i))
    v1, v2 = centro.staff[0], centro.staff[1]
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", v1, minutos(3))
    ventanillas.cambiar_estado(alm, "prueba", 2, "abierta", v2, minutos(3))
    atencion.llamar(alm, "prueba", 1, v1, minutos(4))
    atencion.actuar(alm, "prueba", 1, Accion.INICIAR, v1, minutos(5))
    atencion.llamar(alm, "prueba", 2, v2, minutos(6))
    r = cierre.cerrar_dia(alm, "prueba", centro.jefe, minutos(6 * 60))  # 16:00 local: cerrado
    with alm.lectura() as c:
        estados = dict(c.execute(text("SELECT folio, estado FROM turno")).all())
        fin = c.execute(text("SELECT inicio_ms, fin_ms FROM turno WHERE folio = 'A-001'")).one()
        finalizado = c.execute(
            text("SELECT datos FROM evento WHERE tipo = 'turno_finalizado'")
        ).scalar_one()
    assert estados == {"A-001": "atendido", "A-002": "expirado", "A-003": "expirado"}
    assert r["finalizados"] == 1 and r["expirados"] == 2 and r["ventanillas_cerradas"] == 2
    assert "aviso" not in r
    assert fin.fin_ms > fin.inicio_ms
    assert json.loads(finalizado)["por_cierre"] is True
    assert auditar(alm, "prueba")[1] is None
    verificar_espera(alm)


def test_cierre_con_el_centro_abierto_pide_confirmar(alm, centro):
    catalogo.actualizar_centro(alm, "prueba", {"horario": LUN_A_VIE}, AHORA)
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    with pytest.raises(Conflicto, match="sigue abierto") as e:
        cierre.cerrar_dia(alm, "prueba", centro.jefe, minutos(30))  # 10:30 local
    assert e.value.codigo == "centro_abierto" and e.value.status == 409
    with alm.lectura() as c:
        assert c.execute(text("SELECT estado FROM turno")).scalar_one() == "en_espera"
    r = cierre.cerrar_dia(alm, "prueba", centro.jefe, minutos(30), forzar=True)
    assert r["expirados"] == 1 and "sigue abierto" in r["aviso"]
    # la CLI y el temporizador (sistema) no preguntan, pero avisan
    r = cierre.cerrar_dia(alm, "prueba", None, minutos(31), sistema=True)
    assert "sigue abierto" in r["aviso"]

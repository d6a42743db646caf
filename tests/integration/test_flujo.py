"""El ciclo de vida completo a través de los servicios, en SQLite y PostgreSQL."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.conftest import AHORA, minutos, verificar_espera
from turnos.dominio.estados import Accion
from turnos.errores import (
    Conflicto,
    EntradaInvalida,
    FueraDeHorario,
    NoEncontrado,
    Prohibido,
    TransicionInvalida,
)
from turnos.servicios import atencion, catalogo, cierre, emision, ventanillas
from turnos.servicios.auditoria import auditar


def abrir(alm, centro, n=1):
    ventanillas.cambiar_estado(alm, "prueba", n, "abierta", centro.staff[n - 1], AHORA)


def test_ciclo_completo_y_transferencia(alm, centro):
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    abrir(alm, centro)
    v1 = centro.staff[0]
    llamado = atencion.llamar(alm, "prueba", 1, v1, minutos(5))
    assert llamado["folio"] == t["folio"] and llamado["estado"] == "llamado"
    assert emision.estado_publico(alm, t["token"])["ventanilla"]["numero"] == 1
    atencion.actuar(alm, "prueba", 1, Accion.RELLAMAR, v1, minutos(6))
    atencion.actuar(alm, "prueba", 1, Accion.INICIAR, v1, minutos(7))
    r = atencion.actuar(alm, "prueba", 1, Accion.TRANSFERIR, v1, minutos(10), tramite_destino="C")
    assert r["estado"] == "transferido"
    publico = emision.estado_publico(alm, t["token"])
    assert (
        publico["folio"] == t["folio"]
        and publico["tramite"] == "C"
        and publico["estado"] == "en_espera"
    )
    # la ventanilla 99 atiende C: llama el segundo tramo, mismo folio
    ventanillas.cambiar_estado(alm, "prueba", 99, "abierta", centro.jefe, minutos(10))
    segundo = atencion.llamar(alm, "prueba", 99, centro.jefe, minutos(12))
    assert segundo["folio"] == t["folio"] and segundo["tramo"] == 2
    atencion.actuar(alm, "prueba", 99, Accion.FINALIZAR, centro.jefe, minutos(20))
    with alm.lectura() as c:
        filas = c.execute(
            text(
                "SELECT tramo, estado, en_cola_ms, llamado_ms, inicio_ms, fin_ms FROM turno ORDER BY tramo"
            )
        ).all()
    assert [(f.tramo, f.estado) for f in filas] == [(1, "transferido"), (2, "atendido")]
    assert filas[1].en_cola_ms == filas[0].fin_ms  # la espera del nuevo tramo empieza al transferir
    assert (
        filas[1].inicio_ms == filas[1].llamado_ms
    )  # finalizar sin iniciar: la atención empieza al llamar
    total, falla = auditar(alm, "prueba")
    assert falla is None and total >= 8
    verificar_espera(alm)


def test_prioridad_preferente_y_fuera_de_orden(alm, centro):
    g = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    p = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1), clase="preferente")
    g2 = emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(2))
    abrir(alm, centro)
    v1 = centro.staff[0]
    assert atencion.llamar(alm, "prueba", 1, v1, minutos(3))["folio"] == p["folio"]
    with pytest.raises(Conflicto, match="ya tiene el turno"):
        atencion.llamar(alm, "prueba", 1, v1, minutos(3))
    atencion.actuar(alm, "prueba", 1, Accion.RELLAMAR, v1, minutos(4))  # salvaguarda de ausente
    atencion.actuar(alm, "prueba", 1, Accion.AUSENTE, v1, minutos(4))
    with pytest.raises(EntradaInvalida, match="motivo"):
        atencion.llamar(alm, "prueba", 1, v1, minutos(5), folio=g2["folio"])
    r = atencion.llamar(
        alm, "prueba", 1, v1, minutos(5), folio=g2["folio"], motivo="documento listo"
    )
    assert r["folio"] == g2["folio"]
    with alm.lectura() as c:
        datos = c.execute(
            text("SELECT datos FROM evento WHERE tipo = 'turno_llamado' ORDER BY seq DESC LIMIT 1")
        ).scalar()
    assert "documento listo" in datos and "fuera_de_orden" in datos
    from turnos.servicios.auditoria import fuera_de_orden

    [registro] = fuera_de_orden(alm, "prueba")
    assert registro["folio"] == g2["folio"] and registro["motivo"] == "documento listo"
    assert registro["usuario_id"] == v1.id and registro["ventanilla"] == 1
    assert registro["usuario"] == "v1-prueba (Persona 1)"  # `turnos auditar` nombra, no numera
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v1, minutos(6))
    assert atencion.llamar(alm, "prueba", 1, v1, minutos(7))["folio"] == g["folio"]
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v1, minutos(8))
    assert atencion.llamar(alm, "prueba", 1, v1, minutos(9)) is None
    verificar_espera(alm)


def test_errores_claros(alm, centro):
    v1 = centro.staff[0]
    with pytest.raises(NoEncontrado):
        emision.emitir(alm, "prueba", "ZZZ", centro.kiosco, AHORA)
    with pytest.raises(NoEncontrado):
        emision.emitir(alm, "nada", "A", centro.kiosco, AHORA)
    with pytest.raises(EntradaInvalida, match="clase"):
        emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA, clase="vip")
    with pytest.raises(Conflicto, match="cerrada"):
        atencion.llamar(alm, "prueba", 1, v1, AHORA)
    with pytest.raises(Prohibido):
        atencion.llamar(alm, "prueba", 1, centro.kiosco, AHORA)
    abrir(alm, centro)
    with pytest.raises(Prohibido, match="otra persona"):
        atencion.llamar(alm, "prueba", 1, centro.staff[1], AHORA)
    with pytest.raises(Conflicto, match="no tiene un turno"):
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v1, AHORA)
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    atencion.llamar(alm, "prueba", 1, v1, AHORA)
    atencion.actuar(alm, "prueba", 1, Accion.INICIAR, v1, AHORA)
    with pytest.raises(TransicionInvalida):
        atencion.actuar(alm, "prueba", 1, Accion.AUSENTE, v1, AHORA)
    with pytest.raises(Conflicto, match="turno en curso"):
        ventanillas.cambiar_estado(alm, "prueba", 1, "cerrada", v1, AHORA)


def test_fuera_de_horario_409_con_horario(alm, centro):
    catalogo.actualizar_centro(
        alm, "prueba", {"horario": {"lun": ["08:30", "15:30"]}, "tolerancia_min": 15}, AHORA
    )
    with pytest.raises(FueraDeHorario, match="08:30 a 15:30") as e:
        emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(6 * 60))  # 16:00 local
    assert e.value.status == 409
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)  # 10:00 local: sí


def test_una_ventanilla_un_turno_activo_en_la_bd(alm, centro):
    for i in range(2):
        emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(i))
    abrir(alm, centro)
    atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(3))
    with pytest.raises(IntegrityError), alm.motor.begin() as c:
        c.execute(
            text(
                "UPDATE turno SET estado = 'llamado', ventanilla_id = (SELECT id FROM ventanilla WHERE numero = 1)"
                " WHERE estado = 'en_espera'"
            )
        )


def test_cancelar_por_token_y_cierre_del_dia(alm, centro):
    a = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    b = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    emision.emitir(alm, "prueba", "B", centro.kiosco, AHORA)
    assert emision.cancelar(alm, a["token"], minutos(1))["estado"] == "cancelado"
    with pytest.raises(TransicionInvalida):
        emision.cancelar(alm, a["token"], minutos(2))
    abrir(alm, centro)
    atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(3))
    with pytest.raises(Prohibido):
        cierre.cerrar_dia(alm, "prueba", centro.staff[0], minutos(60))
    r = cierre.cerrar_dia(alm, "prueba", centro.jefe, minutos(60), forzar=True)
    assert r["expirados"] == 2 and r["ventanillas_cerradas"] == 1
    with alm.lectura() as c:
        estados = sorted(e for (e,) in c.execute(text("SELECT estado FROM turno")))
    assert estados == ["cancelado", "expirado", "expirado"]  # nada se borra
    assert emision.estado_publico(alm, b["token"])["estado"] in ("expirado", "en_espera", "llamado")
    verificar_espera(alm)


def test_eventos_sin_datos_personales(alm, centro):
    abrir(alm, centro)
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    atencion.llamar(alm, "prueba", 1, centro.staff[0], AHORA)
    atencion.registrar_datos(
        alm, "prueba", 1, centro.staff[0], AHORA, "María Pérez López", "4771234567"
    )
    with alm.lectura() as c:
        todo = " ".join(d for (d,) in c.execute(text("SELECT datos FROM evento")))
        assert c.execute(text("SELECT nombre FROM turno")).scalar() == "María Pérez López"
    assert "María" not in todo and "4771234567" not in todo

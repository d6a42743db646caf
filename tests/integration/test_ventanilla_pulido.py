"""Issue 15 (ítems 2-4) por los servicios, en SQLite y PostgreSQL: salvaguardas de «no se
presentó», reincorporar, transferir a ventanilla/persona (primero o último) y marcas de
resultado con su reporte «resuelto en primera visita»."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from tests.conftest import AHORA, minutos, verificar_espera
from turnos.dominio.estados import Accion
from turnos.errores import Conflicto, EntradaInvalida
from turnos.servicios import atencion, ausencia, emision, resultados, transferencia, ventanillas
from turnos.servicios.auditoria import auditar


def abrir(alm, centro, n=1, cuando=AHORA):
    ventanillas.cambiar_estado(alm, "prueba", n, "abierta", centro.staff[n - 1], cuando)


def segundos(s):
    return AHORA + timedelta(seconds=s)


def eventos(alm, tipo):
    with alm.lectura() as c:
        return c.execute(
            text("SELECT datos FROM evento WHERE tipo = :t ORDER BY seq"), {"t": tipo}
        ).all()


def test_ausente_antes_de_tiempo_es_409_y_se_permite_tras_rellamar(alm, centro):
    abrir(alm, centro)
    v1 = centro.staff[0]
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    atencion.llamar(alm, "prueba", 1, v1, segundos(0))
    with pytest.raises(Conflicto) as e:
        atencion.actuar(alm, "prueba", 1, Accion.AUSENTE, v1, segundos(30))
    assert e.value.codigo == "ausente_prematuro" and e.value.status == 409
    assert "vuelva a llamar" in e.value.mensaje and "90 s" in e.value.mensaje
    assert eventos(alm, "turno_ausente") == []  # nada se registró
    atencion.actuar(alm, "prueba", 1, Accion.RELLAMAR, v1, segundos(31))
    r = atencion.actuar(alm, "prueba", 1, Accion.AUSENTE, v1, segundos(32))
    assert r["estado"] == "ausente"


def test_ausente_sin_rellamar_tras_los_segundos_del_centro(alm, centro):
    abrir(alm, centro)
    v1 = centro.staff[0]
    with alm.transaccion() as tx:
        cid = tx.ejecutar(text("SELECT id FROM centro WHERE slug = 'prueba'")).scalar_one()
        ausencia.guardar_salvaguardas(tx.conn, cid, "60", "300")
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    atencion.llamar(alm, "prueba", 1, v1, segundos(0))
    with alm.lectura() as c:
        tid = c.execute(text("SELECT id FROM turno WHERE estado = 'llamado'")).scalar_one()
        boton = ausencia.estado_ausente(c, tid, atencion_ms(59))
    assert boton["permitido"] is False and "1 s" in boton["motivo"]
    with pytest.raises(Conflicto, match="espere 1 s"):
        atencion.actuar(alm, "prueba", 1, Accion.AUSENTE, v1, segundos(59))
    assert (
        atencion.actuar(alm, "prueba", 1, Accion.AUSENTE, v1, segundos(60))["estado"] == "ausente"
    )


def atencion_ms(s):
    return int(segundos(s).timestamp() * 1000)


def _ausente(alm, centro, n=1, tramite="A"):
    v = centro.staff[n - 1]
    t = emision.emitir(alm, "prueba", tramite, centro.kiosco, AHORA)
    atencion.llamar(alm, "prueba", n, v, minutos(1))
    atencion.actuar(alm, "prueba", n, Accion.RELLAMAR, v, minutos(2))
    atencion.actuar(alm, "prueba", n, Accion.AUSENTE, v, minutos(3))
    return t


def test_reincorporar_vuelve_al_frente_solo_de_esa_ventanilla(alm, centro):
    abrir(alm, centro, 1)
    abrir(alm, centro, 2)
    t = _ausente(alm, centro)
    otro = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(2))
    # Mientras se puede deshacer, el teléfono no dice «tome un turno nuevo».
    vista = emision.estado_publico(alm, t["token"], minutos(4))
    assert vista["estado"] == "ausente" and vista["ausencia"]["definitiva"] is False
    assert vista["ausencia"]["ventanilla"]["numero"] == 1
    r = ausencia.reincorporar(alm, "prueba", 1, centro.staff[0], minutos(5))
    assert r == {"folio": t["folio"], "estado": "en_espera", "ventanilla": 1}
    assert emision.estado_publico(alm, t["token"], minutos(5))["ausencia"] is None
    verificar_espera(alm)
    [datos] = eventos(alm, "turno_reincorporado")
    assert '"folio": "A-001"' in datos.datos
    # La ventanilla 2 no lo llama (va dirigido a la 1); la 1 lo llama antes que al otro.
    assert atencion.llamar(alm, "prueba", 2, centro.staff[1], minutos(6))["folio"] == otro["folio"]
    assert atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(6))["folio"] == t["folio"]
    _, falla = auditar(alm, "prueba")
    assert falla is None


def test_reincorporar_con_la_ventana_vencida_es_409_y_la_ausencia_es_definitiva(alm, centro):
    abrir(alm, centro)
    t = _ausente(alm, centro)  # ausente en el minuto 3; ventana por omisión: 300 s
    with pytest.raises(Conflicto) as e:
        ausencia.reincorporar(alm, "prueba", 1, centro.staff[0], minutos(8.1))
    assert e.value.codigo == "reincorporar_vencido" and e.value.status == 409
    vista = emision.estado_publico(alm, t["token"], minutos(8.1))
    assert vista["estado"] == "ausente" and vista["ausencia"]["definitiva"] is True
    assert vista["ausencia"]["ventanilla"] is None
    assert eventos(alm, "turno_reincorporado") == []


def test_transferir_a_una_persona_solo_la_llama_la_ventanilla_que_atiende(alm, centro):
    abrir(alm, centro, 1)
    abrir(alm, centro, 2)
    v1, v2 = centro.staff[0], centro.staff[1]
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    antes = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))
    atencion.llamar(alm, "prueba", 1, v1, minutos(2))
    with pytest.raises(EntradaInvalida, match="motivo"):
        transferencia.transferir(alm, "prueba", 1, v1, minutos(3), usuario="v2-prueba")
    r = transferencia.transferir(
        alm, "prueba", 1, v1, minutos(3), usuario="v2-prueba", motivo="caso especial"
    )
    assert r["estado"] == "transferido"
    verificar_espera(alm)
    # «Último»: la ventanilla 2 llama primero al que ya esperaba, luego al transferido.
    assert atencion.llamar(alm, "prueba", 2, v2, minutos(4))["folio"] == antes["folio"]
    atencion.actuar(alm, "prueba", 2, Accion.FINALIZAR, v2, minutos(5))
    assert atencion.llamar(alm, "prueba", 1, v1, minutos(5)) is None  # no es para la 1
    assert atencion.llamar(alm, "prueba", 2, v2, minutos(6))["folio"] == "A-001"
    [datos] = eventos(alm, "turno_transferido")
    assert f'"usuario_destino": {v2.usuario_id}' in datos.datos
    assert "Persona 2" not in datos.datos  # nunca el nombre


def test_transferir_a_ventanilla_primero_va_antes_que_los_que_esperaban(alm, centro):
    abrir(alm, centro, 1)
    abrir(alm, centro, 2)
    v1, v2 = centro.staff[0], centro.staff[1]
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    b = [emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(i))["folio"] for i in (1, 2)]
    atencion.llamar(alm, "prueba", 1, v1, minutos(3))
    with pytest.raises(EntradaInvalida, match="ya está en esta ventanilla"):
        transferencia.transferir(alm, "prueba", 1, v1, minutos(4), ventanilla=1, motivo="x")
    with pytest.raises(EntradaInvalida, match="primero"):
        transferencia.transferir(alm, "prueba", 1, v1, minutos(4), ventanilla=2, posicion="x")
    transferencia.transferir(
        alm, "prueba", 1, v1, minutos(4), ventanilla=2, posicion="primero", motivo="supervisión"
    )
    verificar_espera(alm)
    # El estimador usa la misma política: nadie delante del transferido al frente.
    assert emision.estado_publico(alm, t["token"], minutos(5))["personas_delante"] == 0
    assert emision.estado_publico(alm, t["token"], minutos(5))["espera_estimada"] is not None
    assert atencion.llamar(alm, "prueba", 2, v2, minutos(5))["folio"] == t["folio"]
    assert atencion.llamar(alm, "prueba", 1, v1, minutos(5))["folio"] == b[0]


def test_finalizar_con_marca_y_reporte_resuelto_en_primera_visita(alm, centro):
    from metricas import resultados as reporte

    resultados.guardar(alm, "prueba", "A", "+ Resuelto\nFalta documento", AHORA)
    abrir(alm, centro)
    v1 = centro.staff[0]
    for i in range(3):
        emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(i))
    emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(4))
    atencion.llamar(alm, "prueba", 1, v1, minutos(5))
    with pytest.raises(EntradaInvalida, match="Elija el resultado"):
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v1, minutos(6))
    with pytest.raises(EntradaInvalida, match="no es una marca"):
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v1, minutos(6), resultado="x")
    marcas = ["resuelto", "falta-documento", "resuelto"]
    for k, marca in enumerate(marcas):
        if k:
            atencion.llamar(alm, "prueba", 1, v1, minutos(6 + k))
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v1, minutos(6 + k), resultado=marca)
    # B no tiene marcas: se finaliza sin marca (y una marca es un error claro).
    atencion.llamar(alm, "prueba", 1, v1, minutos(10))
    with pytest.raises(EntradaInvalida, match="no tiene marcas"):
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v1, minutos(11), resultado="resuelto")
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v1, minutos(11))
    with alm.lectura() as c:
        cid = c.execute(text("SELECT id FROM centro WHERE slug = 'prueba'")).scalar_one()
        guardados = [
            r for (r,) in c.execute(text("SELECT resultado FROM turno ORDER BY fin_ms, id"))
        ]
        dia = AHORA.date()
        filas = reporte.filas(c, cid, dia - timedelta(days=1), dia + timedelta(days=1), "UTC")
    assert guardados == ["resuelto", "falta-documento", "resuelto", ""]
    assert filas == [
        {
            "tramite": "A",
            "con_marca": 3,
            "resueltos": 2,
            "resuelto_primera_visita_pct": 66.7,
            "marcas": "Falta documento: 1 · Resuelto: 2",
        }
    ]
    assert isinstance(dia, date)


def test_la_importacion_del_catalogo_trae_las_marcas(alm, centro):
    from turnos.servicios import catalogo

    catalogo.importar_tramites(
        alm,
        "prueba",
        [
            {
                "clave": "B",
                "nombre": "Trámite B",
                "prefijo": "B",
                "marcas": [{"nombre": "Resuelto", "resuelve": True}, "Requiere otra visita"],
            }
        ],
        AHORA,
    )
    with alm.lectura() as c:
        tid = c.execute(text("SELECT id FROM tramite WHERE clave = 'B'")).scalar_one()
        assert [(m.clave, m.resuelve) for m in resultados.marcas(c, tid)] == [
            ("resuelto", True),
            ("requiere-otra-visita", False),
        ]
    with pytest.raises(EntradaInvalida, match="Trámite #1: .*resuelve"):
        catalogo.importar_tramites(
            alm,
            "prueba",
            [
                {
                    "clave": "C",
                    "nombre": "C",
                    "prefijo": "C",
                    "marcas": [{"nombre": "X", "resuelve": "sí"}],
                }
            ],
            AHORA,
        )

"""Trabajos de impresión y estimación de espera sobre la BD real (SQLite y PostgreSQL)."""

from __future__ import annotations

import json

from sqlalchemy import text

from kiosco import trabajos
from kiosco.impresion import preparar, renderizar, token_por_folio
from tests.conftest import AHORA, minutos
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, emision, ventanillas
from turnos.servicios.auditoria import auditar
from turnos.servicios.estimacion import atencion_media_s
from turnos.tiempo import a_ms


def _trabajo(alm, centro, folio_token, impresora="archivo:///tmp/x.bin", ms=None):
    prep = preparar(alm, folio_token, "https://turnos.example.mx", centro.kiosco.id)
    return trabajos.crear(
        alm,
        centro_id=prep.centro_id,
        turno_id=prep.turno_id,
        dispositivo_id=prep.dispositivo_id,
        folio=prep.datos.folio,
        impresora=impresora,
        perfil=prep.perfil.nombre,
        datos=renderizar(prep),
        ahora_ms=ms if ms is not None else a_ms(AHORA),
    )


def _fallas(alm):
    with alm.lectura() as c:
        return [
            json.loads(d)
            for (d,) in c.execute(text("SELECT datos FROM evento WHERE tipo = 'impresion_fallida'"))
        ]


def test_terminar_es_idempotente_y_la_falla_queda_en_la_bitacora(alm, centro):
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    trabajo = _trabajo(alm, centro, t["token"])
    ms = a_ms(minutos(1))
    assert trabajos.terminar(alm, trabajo.id, False, 2, "La impresora no tiene papel", ms)
    # Un segundo resultado (agente que reintenta, barrido) ya no cambia nada ni duplica eventos.
    assert not trabajos.terminar(alm, trabajo.id, True, 1, "", ms)
    assert trabajos.estado_de(alm, trabajo.id) == ("fallido", "La impresora no tiene papel")
    assert _fallas(alm) == [
        {
            "trabajo": trabajo.id,
            "folio": "A-001",
            "impresora": "archivo:///tmp/x.bin",
            "dispositivo": "kiosco-1",
            "motivo": "La impresora no tiene papel",
            "intentos": 2,
        }
    ]
    assert emision.estado_publico(alm, t["token"])["estado"] == "en_espera"
    assert auditar(alm, "prueba")[1] is None


def test_caducan_los_pendientes_viejos_y_el_agente_solo_ve_los_suyos(alm, centro):
    viejo = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    nuevo = emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(5))
    t_viejo = _trabajo(alm, centro, viejo["token"], "agente://kiosco-1", a_ms(AHORA))
    t_nuevo = _trabajo(alm, centro, nuevo["token"], "agente://kiosco-1", a_ms(minutos(5)))
    _trabajo(alm, centro, nuevo["token"], "agente://otro", a_ms(minutos(5)))
    ahora = a_ms(minutos(5))
    cid = centro.kiosco.centro_id
    assert [t["id"] for t in trabajos.pendientes_agente(alm, cid, "kiosco-1", ahora)] == [
        t_nuevo.id
    ]
    assert trabajos.pendientes_agente(alm, cid + 1, "kiosco-1", ahora) == []
    assert trabajos.caducar(alm, ahora) == 1
    assert trabajos.caducar(alm, ahora) == 0
    estado, motivo = trabajos.estado_de(alm, t_viejo.id)
    assert estado == "fallido" and "agente" in motivo
    assert [e["folio"] for e in _fallas(alm)] == [viejo["folio"]]
    assert trabajos.pendientes_servidor(alm, ahora) == []


def test_estimacion_con_datos_vivos(alm, centro):
    # Sin ventanillas abiertas no se promete nada.
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    with alm.lectura() as c:
        tid = c.execute(text("SELECT id FROM tramite WHERE clave = 'A'")).scalar_one()
        cid = c.execute(text("SELECT id FROM centro WHERE slug = 'prueba'")).scalar_one()
        # sin historia: la meta del protocolo
        assert atencion_media_s(c, cid, tid, a_ms(AHORA)) == 15 * 60
    assert preparar(alm, t["token"], "https://x", centro.kiosco.id, AHORA).datos.espera_max is None
    # Una atención de 6 minutos en la ventanilla 1, que queda abierta.
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(1))
    atencion.actuar(alm, "prueba", 1, Accion.INICIAR, centro.staff[0], minutos(2))
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, centro.staff[0], minutos(8))
    with alm.lectura() as c:
        assert atencion_media_s(c, cid, tid, a_ms(minutos(8))) == 6 * 60
        # Lo que terminó después de «ahora» no se usa (el back-test no mira al futuro).
        assert atencion_media_s(c, cid, tid, a_ms(minutos(7))) == 15 * 60
    # El ticket lleva el rango del estimador (ventanilla libre, nadie delante: lo llaman ya,
    # 0 a LLAMADO_LIBRE_S = 2 min -> 5; antes, P90 de una atención completa: 13.8 min -> 15).
    otro = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(9))
    prep = preparar(alm, otro["token"], "https://x", centro.kiosco.id, minutos(9))
    assert prep.datos.personas_delante == 0
    assert (prep.datos.espera_min, prep.datos.espera_max) == (0, 5)
    assert otro["espera_estimada"] == {"min_s": 0, "max_s": 120}
    assert t["folio"] == "A-001"


def test_token_por_folio_del_dia(alm, centro):
    t = emision.emitir(alm, "prueba", "B", centro.kiosco, AHORA)
    token, _ = token_por_folio(alm, "prueba", "b-001", minutos(1))
    assert token == t["token"]

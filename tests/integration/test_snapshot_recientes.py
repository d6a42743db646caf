"""El snapshot de la pantalla (lo que recibe una TV al conectarse o recargarse) trae los últimos
llamados del día también después de atenderse o marcarse ausentes, y no los de otro día."""

from __future__ import annotations

from datetime import datetime, timedelta

from apoyo.sembrado import Centro
from tests.conftest import minutos
from turnos.db.almacen import Almacen
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, emision, ventanillas
from turnos.web.tiempo_real import leer_snapshot


def _folios(alm: Almacen, ahora: datetime) -> list[tuple[str, str]]:
    snap = leer_snapshot(alm, "prueba", ahora)
    return [(ll["folio"], ll["estado"]) for ll in snap["llamados"]]


def test_snapshot_trae_llamados_terminados_del_dia(alm: Almacen, centro: Centro) -> None:
    kiosco = centro.kiosco
    folios = [emision.emitir(alm, "prueba", "A", kiosco, minutos(i))["folio"] for i in range(4)]
    v1, v2 = centro.staff[0], centro.staff[1]
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", v1, minutos(5))
    ventanillas.cambiar_estado(alm, "prueba", 2, "abierta", v2, minutos(5))
    atencion.llamar(alm, "prueba", 1, v1, minutos(6))  # folios[0]
    atencion.actuar(alm, "prueba", 1, Accion.INICIAR, v1, minutos(7))
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v1, minutos(8))  # atendido
    atencion.llamar(alm, "prueba", 2, v2, minutos(9))  # folios[1]
    atencion.actuar(alm, "prueba", 2, Accion.RELLAMAR, v2, minutos(10))
    atencion.actuar(alm, "prueba", 2, Accion.AUSENTE, v2, minutos(11))  # ausente
    atencion.llamar(alm, "prueba", 1, v1, minutos(12))  # folios[2], en curso

    assert _folios(alm, minutos(13)) == [
        (folios[2], "llamado"),
        (folios[1], "ausente"),
        (folios[0], "atendido"),
    ]
    # Al día siguiente solo queda el que sigue en curso (lo cierra el cierre del día).
    assert _folios(alm, minutos(13) + timedelta(days=1)) == [(folios[2], "llamado")]

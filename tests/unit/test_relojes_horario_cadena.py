from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from turnos.dominio import cadena
from turnos.dominio.horario import texto_horario, validar_horario, verificar_emision
from turnos.dominio.numeracion import dia_local, formatear_folio
from turnos.dominio.relojes import Tiempos, atencion_s, dentro_de, espera_s, traslado_s
from turnos.errores import EntradaInvalida, FueraDeHorario

MX = ZoneInfo("America/Mexico_City")
HORARIO = {
    "lun": ["08:30", "15:30"],
    "mar": ["08:30", "15:30"],
    "mie": ["08:30", "15:30"],
    "jue": ["08:30", "15:30"],
    "vie": ["08:30", "15:30"],
    "sab": ["09:00", "13:00"],
}


def test_relojes_linea_de_tiempo_a_mano():
    # emitido 10:00:00, llamado 10:12:30, inicia 10:13:10, termina 10:31:10
    base = 1_700_000_000_000
    t = Tiempos(base, base + 750_000, base + 790_000, base + 1_870_000)
    assert espera_s(t) == 750.0
    assert traslado_s(t) == 40.0
    assert atencion_s(t) == 1080.0
    assert dentro_de(espera_s(t), 15 * 60) is True
    assert dentro_de(atencion_s(t), 15 * 60) is False
    assert espera_s(Tiempos(base)) is None
    assert dentro_de(None, 60) is None


def test_texto_horario_agrupa_dias():
    assert texto_horario(HORARIO) == "lunes a viernes de 08:30 a 15:30; sábado de 09:00 a 13:00"


def test_emision_dentro_y_fuera_de_horario():
    verificar_emision(HORARIO, [], 15, datetime(2026, 11, 23, 10, 0, tzinfo=MX))  # lunes
    with pytest.raises(FueraDeHorario, match="Aún no abrimos"):
        verificar_emision(HORARIO, [], 15, datetime(2026, 11, 23, 8, 0, tzinfo=MX))
    with pytest.raises(FueraDeHorario, match="15:15"):
        verificar_emision(HORARIO, [], 15, datetime(2026, 11, 23, 15, 20, tzinfo=MX))
    with pytest.raises(FueraDeHorario, match="Hoy no hay atención"):
        verificar_emision(HORARIO, [], 15, datetime(2026, 11, 29, 10, 0, tzinfo=MX))  # domingo
    with pytest.raises(FueraDeHorario, match="inhábil"):
        verificar_emision(HORARIO, ["2026-11-23"], 15, datetime(2026, 11, 23, 10, 0, tzinfo=MX))


def test_validar_horario_mensajes_claros():
    with pytest.raises(EntradaInvalida, match="apertura debe ser antes"):
        validar_horario({"lun": ["15:00", "09:00"]})
    with pytest.raises(EntradaInvalida, match="HH:MM"):
        validar_horario({"lun": ["9", "15:00"]})
    assert validar_horario({"lun": ["00:00", "24:00"]})["lun"] == ["00:00", "24:00"]


def test_folio_y_dia_local():
    assert formatear_folio("A", 23) == "A-023"
    assert formatear_folio("LIC", 1234) == "LIC-1234"
    # 03:00 UTC del martes aún es lunes en Ciudad de México
    assert (
        dia_local(
            datetime(2026, 11, 24, 3, 0, tzinfo=ZoneInfo("UTC")), "America/Mexico_City"
        ).isoformat()
        == "2026-11-23"
    )


def _cadena(n):
    previo, eventos = cadena.GENESIS, []
    for seq in range(1, n + 1):
        campos = {"seq": seq, "tipo": "x", "datos": {"i": seq}}
        h = cadena.calcular_hash(previo, campos)
        eventos.append(cadena.EventoSellado(seq, campos, previo, h))
        previo = h
    return eventos


def test_cadena_integra_y_alteraciones():
    ev = _cadena(5)
    assert cadena.verificar(ev, (5, ev[-1].hash)) is None
    editado = list(ev)
    editado[2] = cadena.EventoSellado(
        3, {**ev[2].campos, "datos": {"i": 99}}, ev[2].hash_previo, ev[2].hash
    )
    assert cadena.verificar(editado).seq == 3
    assert cadena.verificar(ev[:2] + ev[3:]).seq == 3  # borrado
    assert cadena.verificar([ev[0], ev[2], ev[1]] + ev[3:]).seq == 2  # reordenado
    assert cadena.verificar(ev[:4], (5, ev[-1].hash)) is not None  # falta el final

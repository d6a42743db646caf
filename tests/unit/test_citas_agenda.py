"""Agenda pura: propiedades (nunca fuera del horario ni en días inhábiles, sin encimarse, en UTC)
en zonas sin horario de verano y fronterizas que sí lo tienen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citas.agenda import Agenda, Centro, buscar, horarios_del_dia, ofrecidos
from citas.estados import AccionCita, EstadoCita, Llegada, llegada, transicion
from turnos.dominio.horario import DIAS
from turnos.errores import Conflicto

ZONAS = [
    "America/Mexico_City",  # sin horario de verano desde 2022
    "America/Cancun",
    "America/Hermosillo",
    "America/Tijuana",  # fronteriza: sigue el horario de verano de EUA
    "America/Matamoros",
    "America/Ciudad_Juarez",
]


def _hhmm(m: int) -> str:
    return "24:00" if m == 1440 else f"{m // 60:02d}:{m % 60:02d}"


@st.composite
def horarios_centro(draw: st.DrawFn) -> dict[str, list[str] | None]:
    salida: dict[str, list[str] | None] = {}
    for dia in DIAS:
        if draw(st.booleans()):
            a = draw(st.integers(0, 95)) * 15
            c = draw(st.integers(a // 15 + 1, 96)) * 15
            salida[dia] = [_hhmm(a), _hhmm(c)]
        else:
            salida[dia] = None
    return salida


@st.composite
def escenarios(draw: st.DrawFn) -> tuple[Agenda, Centro, datetime, date, date]:
    zona = draw(st.sampled_from(ZONAS))
    ahora = draw(st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)))
    hoy = ahora.astimezone(ZoneInfo(zona)).date()
    inhabiles = frozenset(
        (hoy + timedelta(days=d)).isoformat()
        for d in draw(st.lists(st.integers(-2, 20), max_size=6))
    )
    agenda = Agenda(
        duracion_min=draw(st.sampled_from([10, 15, 20, 30, 45, 60, 90])),
        lugares=draw(st.integers(1, 5)),
        horizonte_dias=draw(st.integers(1, 20)),
        anticipacion_min=draw(st.integers(0, 3 * 24 * 60)),
    )
    desde = hoy + timedelta(days=draw(st.integers(-3, 5)))
    hasta = desde + timedelta(days=draw(st.integers(0, 25)))
    return agenda, Centro(zona, draw(horarios_centro()), inhabiles), ahora, desde, hasta


def _minuto(m: datetime) -> int:
    return m.hour * 60 + m.minute


@settings(max_examples=120, deadline=None)
@given(escenarios())
def test_horarios_dentro_del_horario_y_sin_encimarse(esc) -> None:
    agenda, centro, ahora, desde, hasta = esc
    zona = ZoneInfo(centro.zona)
    hoy = ahora.astimezone(zona).date()
    lista = ofrecidos(agenda, centro, ahora, desde, hasta)
    for h in lista:
        assert h.inicio.tzinfo == UTC and h.fin.tzinfo == UTC
        assert h.fin - h.inicio == timedelta(minutes=agenda.duracion_min)
        li, lf = h.inicio.astimezone(zona), h.fin.astimezone(zona)
        dia = li.date()
        assert dia.isoformat() not in centro.inhabiles
        assert desde <= dia <= hasta
        assert hoy <= dia <= hoy + timedelta(days=agenda.horizonte_dias)
        assert h.inicio >= ahora + timedelta(minutes=agenda.anticipacion_min)
        valor = centro.horario[DIAS[dia.weekday()]]
        assert valor is not None
        apertura, cierre = (int(x[:2]) * 60 + int(x[3:]) for x in valor)
        fin_min = 1440 if lf.date() > dia else _minuto(lf)
        assert apertura <= _minuto(li) and fin_min <= cierre
    for h in lista[:3] + lista[-2:]:  # reservar solo acepta un horario ofrecido, exacto
        assert buscar(agenda, centro, ahora, h.inicio) == h
        assert buscar(agenda, centro, ahora, h.inicio + timedelta(minutes=1)) is None
    for a, b in zip(lista, lista[1:], strict=False):
        assert a.fin <= b.inicio  # ordenados y sin encimarse


def test_ciudad_de_mexico_sin_horario_de_verano() -> None:
    centro = Centro("America/Mexico_City", {d: ["09:00", "10:00"] for d in DIAS})
    agenda = Agenda(duracion_min=30)
    for dia in (date(2026, 1, 15), date(2026, 4, 15), date(2026, 7, 15), date(2026, 11, 15)):
        inicios = [h.inicio for h in horarios_del_dia(agenda, centro, dia)]
        assert inicios == [
            datetime.combine(dia, datetime.min.time(), UTC) + timedelta(hours=15),
            datetime.combine(dia, datetime.min.time(), UTC) + timedelta(hours=15, minutes=30),
        ]


def test_tijuana_cambia_de_hora_y_el_hueco_no_se_ofrece() -> None:
    centro = Centro("America/Tijuana", {d: ["00:00", "24:00"] for d in DIAS})
    agenda = Agenda(duracion_min=60)
    # 8 de marzo de 2026: a las 02:00 el reloj salta a las 03:00.
    dia = horarios_del_dia(agenda, centro, date(2026, 3, 8))
    locales = [h.inicio.astimezone(ZoneInfo("America/Tijuana")).hour for h in dia]
    assert 2 not in locales and 1 not in locales  # 01:00–02:00 duraría 0 h de pared
    assert all(h.fin - h.inicio == timedelta(hours=60 / 60) for h in dia)
    # En verano 09:00 en Tijuana es 16:00 UTC; en invierno, 17:00 UTC.
    verano = horarios_del_dia(agenda, centro, date(2026, 7, 1))[9].inicio
    invierno = horarios_del_dia(agenda, centro, date(2026, 1, 7))[9].inicio
    assert (verano.hour, invierno.hour) == (16, 17)


def test_dia_inhabil_sin_horarios() -> None:
    centro = Centro(
        "America/Mexico_City", {d: ["09:00", "12:00"] for d in DIAS}, frozenset({"2026-12-01"})
    )
    assert horarios_del_dia(Agenda(), centro, date(2026, 12, 1)) == []
    assert len(horarios_del_dia(Agenda(), centro, date(2026, 12, 2))) == 6


def test_agenda_rechaza_valores_absurdos() -> None:
    with pytest.raises(ValueError):
        Agenda(duracion_min=0)
    with pytest.raises(ValueError):
        Agenda(lugares=0)


def test_ventana_de_llegada() -> None:
    inicio = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert llegada(inicio, inicio - timedelta(minutes=31), 30, 15) == Llegada.TEMPRANA
    assert llegada(inicio, inicio - timedelta(minutes=30), 30, 15) == Llegada.A_TIEMPO
    assert llegada(inicio, inicio + timedelta(minutes=15), 30, 15) == Llegada.A_TIEMPO
    assert llegada(inicio, inicio + timedelta(minutes=16), 30, 15) == Llegada.TARDE


def test_transiciones_de_cita() -> None:
    assert transicion(EstadoCita.AGENDADA, AccionCita.REGISTRAR) == EstadoCita.REGISTRADA
    with pytest.raises(Conflicto) as e:
        transicion(EstadoCita.REGISTRADA, AccionCita.REGISTRAR)
    assert e.value.codigo == "cita_registrada"
    with pytest.raises(Conflicto):
        transicion(EstadoCita.CANCELADA, AccionCita.REPROGRAMAR)

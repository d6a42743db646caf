"""Los textos y milisegundos que la agenda precalcula por horario (para que la disponibilidad no
dé formato a cientos de fechas por consulta) son los mismos que daría convertir cada horario a la
zona del centro: días normales, centro abierto hasta 24:00 y días con cambio de reloj en una
zona fronteriza."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from citas.agenda import Agenda, Centro, horarios_del_dia

TODO_EL_DIA = dict.fromkeys(("lun", "mar", "mie", "jue", "vie", "sab", "dom"), ["00:00", "24:00"])


@pytest.mark.parametrize(
    ("zona", "dia"),
    [
        ("America/Mexico_City", date(2026, 11, 24)),
        ("America/Tijuana", date(2026, 3, 8)),  # entra el horario de verano (hueco 02:00–03:00)
        ("America/Tijuana", date(2026, 11, 1)),  # sale (01:00–02:00 se repite)
        ("America/Cancun", date(2026, 6, 1)),
    ],
)
@pytest.mark.parametrize("duracion", [20, 30, 45])
def test_textos_precalculados_iguales_a_convertir(zona, dia, duracion):
    z = ZoneInfo(zona)
    horarios = horarios_del_dia(Agenda(duracion_min=duracion), Centro(zona, TODO_EL_DIA), dia)
    assert horarios
    for h in horarios:
        assert h.inicio_local == h.inicio.astimezone(z).isoformat(timespec="seconds")
        assert h.fin_local == h.fin.astimezone(z).isoformat(timespec="seconds")
        assert h.inicio_ms == int(h.inicio.timestamp() * 1000)
        assert h.fin_ms == int(h.fin.timestamp() * 1000)
        assert h.fin - h.inicio == timedelta(minutes=duracion)

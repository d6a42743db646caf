"""Horario de atención, días inhábiles y tolerancia antes del cierre."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from turnos.errores import EntradaInvalida, FueraDeHorario

DIAS = ("lun", "mar", "mie", "jue", "vie", "sab", "dom")
NOMBRES_DIAS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_HORA = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


@dataclass(frozen=True)
class Intervalo:
    apertura: str  # "HH:MM"
    cierre: str  # "HH:MM"; "24:00" = medianoche


def _minutos(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def validar_horario(horario: Mapping[str, Sequence[str] | None]) -> dict[str, list[str] | None]:
    """Normaliza {"lun": ["08:30", "15:30"], "sab": None, …}; error claro si algo no cuadra."""
    limpio: dict[str, list[str] | None] = {}
    for dia in DIAS:
        valor = horario.get(dia)
        if not valor:
            limpio[dia] = None
            continue
        if len(valor) != 2 or not all(isinstance(v, str) and _HORA.match(v) for v in valor):
            raise EntradaInvalida(f"Horario del {dia}: use dos horas HH:MM, p. ej. 08:30 y 15:30.")
        if _minutos(valor[0]) >= _minutos(valor[1]):
            raise EntradaInvalida(f"Horario del {dia}: la apertura debe ser antes del cierre.")
        limpio[dia] = [valor[0], valor[1]]
    otros = set(horario) - set(DIAS)
    if otros:
        raise EntradaInvalida(f"Días desconocidos en el horario: {', '.join(sorted(otros))}.")
    return limpio


def texto_horario(horario: Mapping[str, Sequence[str] | None]) -> str:
    """ "lunes a viernes 08:30–15:30; sábado 09:00–13:00" agrupando días iguales y seguidos."""
    partes: list[str] = []
    i = 0
    while i < len(DIAS):
        valor = horario.get(DIAS[i])
        j = i
        while j + 1 < len(DIAS) and horario.get(DIAS[j + 1]) == valor:
            j += 1
        if valor:
            dias = NOMBRES_DIAS[i] if i == j else f"{NOMBRES_DIAS[i]} a {NOMBRES_DIAS[j]}"
            partes.append(f"{dias} de {valor[0]} a {valor[1]}")
        i = j + 1
    return "; ".join(partes) if partes else "sin horario de atención configurado"


def abierto(
    horario: Mapping[str, Sequence[str] | None], inhabiles: Sequence[str], ahora_local: datetime
) -> bool:
    """El centro atiende a esta hora local según su horario (sin contar la tolerancia)."""
    hoy = ahora_local.date()
    valor = horario.get(DIAS[hoy.weekday()])
    if not valor or hoy.isoformat() in inhabiles:
        return False
    minuto = ahora_local.hour * 60 + ahora_local.minute
    return _minutos(valor[0]) <= minuto < _minutos(valor[1])


def verificar_emision(
    horario: Mapping[str, Sequence[str] | None],
    inhabiles: Sequence[str],
    tolerancia_min: int,
    ahora_local: datetime,
) -> None:
    """FueraDeHorario (409) si a esta hora local no se emiten turnos; nada si sí."""
    hoy: date = ahora_local.date()
    texto = texto_horario(horario)
    if hoy.isoformat() in inhabiles:
        raise FueraDeHorario(f"Hoy es día inhábil; no se emiten turnos. Horario: {texto}.")
    valor = horario.get(DIAS[hoy.weekday()])
    if not valor:
        raise FueraDeHorario(f"Hoy no hay atención. Horario: {texto}.")
    minuto = ahora_local.hour * 60 + ahora_local.minute
    apertura, cierre = _minutos(valor[0]), _minutos(valor[1])
    limite = cierre - tolerancia_min
    if minuto < apertura:
        raise FueraDeHorario(
            f"Aún no abrimos: hoy se emiten turnos desde las {valor[0]}. Horario: {texto}."
        )
    if minuto >= limite:
        hora_limite = (datetime.combine(hoy, time()) + timedelta(minutes=limite)).strftime("%H:%M")
        raise FueraDeHorario(
            f"Por hoy ya no se emiten turnos (último turno a las {hora_limite}). Horario: {texto}."
        )

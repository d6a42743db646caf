"""Agenda de un trámite (puro): qué horarios se ofrecen, dentro del horario del centro y fuera de
sus días inhábiles, en la zona del centro, devueltos en UTC. El `ahora` llega como argumento.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from turnos.dominio.horario import DIAS, validar_horario

_DIA = timedelta(days=1)


@dataclass(frozen=True)
class Agenda:
    """Reglas de la agenda de un trámite."""

    duracion_min: int = 30  # duración de cada horario
    lugares: int = 1  # personas que se pueden agendar en el mismo horario
    horizonte_dias: int = 30  # hasta cuántos días adelante se reserva
    anticipacion_min: int = 60  # anticipación mínima para reservar

    def __post_init__(self) -> None:
        if not 5 <= self.duracion_min <= 240:
            raise ValueError("La duración de cada horario va de 5 a 240 minutos.")
        if not 1 <= self.lugares <= 500:
            raise ValueError("Los lugares por horario van de 1 a 500.")
        if not 1 <= self.horizonte_dias <= 365:
            raise ValueError("El horizonte va de 1 a 365 días.")
        if not 0 <= self.anticipacion_min <= 30 * 24 * 60:
            raise ValueError("La anticipación mínima va de 0 minutos a 30 días.")


@dataclass(frozen=True)
class Centro:
    """Lo que la agenda necesita del centro."""

    zona: str
    horario: Mapping[str, Sequence[str] | None]
    inhabiles: frozenset[str] = frozenset()  # fechas ISO locales


@dataclass(frozen=True, order=True)
class Horario:
    inicio: datetime  # UTC
    fin: datetime  # UTC
    # Ya calculados una vez (la disponibilidad los da por cientos): epoch ms e ISO local.
    inicio_ms: int = field(default=0, compare=False)
    fin_ms: int = field(default=0, compare=False)
    inicio_local: str = field(default="", compare=False)
    fin_local: str = field(default="", compare=False)


def _con_textos(inicio: datetime, fin: datetime, zona: ZoneInfo) -> Horario:
    return Horario(
        inicio,
        fin,
        int(inicio.timestamp() * 1000),
        int(fin.timestamp() * 1000),
        inicio.astimezone(zona).isoformat(timespec="seconds"),
        fin.astimezone(zona).isoformat(timespec="seconds"),
    )


def _minutos(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _local_a_utc(dia: date, minuto: int, zona: ZoneInfo) -> datetime | None:
    """La hora de pared `minuto` del `dia` en UTC; None si esa hora no existe (salto de reloj)."""
    pared = datetime.combine(dia, time()) + timedelta(minutes=minuto)
    local = pared.replace(tzinfo=zona)
    en_utc = local.astimezone(UTC)
    if en_utc.astimezone(zona).replace(tzinfo=None) != pared:
        return None  # cae en el hueco de un cambio de horario
    return en_utc


def horarios_del_dia(agenda: Agenda, centro: Centro, dia: date) -> list[Horario]:
    """Todos los horarios del día local `dia` (sin mirar anticipación ni horizonte)."""
    if dia.isoformat() in centro.inhabiles:
        return []
    return list(_del_dia(agenda, centro.zona, _congelar(centro.horario), dia))


def _congelar(horario: Mapping[str, Sequence[str] | None]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if v else None) for k, v in horario.items()))


# Los horarios de un día solo dependen de la agenda, la zona, el horario del centro y la fecha:
# se calculan una vez por proceso (una agenda o un horario que cambia es otra llave).
@functools.lru_cache(maxsize=2048)
def _del_dia(
    agenda: Agenda, zona_nombre: str, horario_: tuple[tuple[str, Any], ...], dia: date
) -> tuple[Horario, ...]:
    horario = validar_horario({k: list(v) if v else v for k, v in horario_})
    valor = horario.get(DIAS[dia.weekday()])
    if not valor:
        return ()
    zona = ZoneInfo(zona_nombre)
    apertura, cierre = _minutos(valor[0]), _minutos(valor[1])
    dur = agenda.duracion_min
    minutos = range(apertura, cierre - dur + 1, dur)
    abre, cierra = _local_a_utc(dia, apertura, zona), _local_a_utc(dia, cierre, zona)
    if (
        abre is not None
        and cierra is not None
        and cierra - abre == timedelta(minutes=cierre - apertura)
    ):
        # Sin cambio de reloj durante el horario (casi siempre): aritmética directa, también
        # para el texto local (mismo desfase todo el día).
        base = abre - timedelta(minutes=apertura)
        base_ms = int(base.timestamp() * 1000)
        paso = timedelta(minutes=dur)
        desfase = abre.astimezone(zona).isoformat()[19:]
        fecha = dia.isoformat()

        def local(m: int) -> str:
            if m >= 24 * 60:  # el fin del último horario de un centro abierto hasta 24:00
                return (datetime.combine(dia, time(), zona) + timedelta(minutes=m)).isoformat()
            return f"{fecha}T{m // 60:02d}:{m % 60:02d}:00{desfase}"

        return tuple(
            Horario(
                base + timedelta(minutes=m),
                base + timedelta(minutes=m) + paso,
                base_ms + m * 60_000,
                base_ms + (m + dur) * 60_000,
                local(m),
                local(m + dur),
            )
            for m in minutos
        )
    salida: list[Horario] = []
    for m in minutos:
        inicio = _local_a_utc(dia, m, zona)
        fin = _local_a_utc(dia, m + dur, zona)
        # Un horario que cruza un cambio de reloj no dura lo que dice: no se ofrece.
        if inicio is None or fin is None or fin - inicio != timedelta(minutes=dur):
            continue
        salida.append(_con_textos(inicio, fin, zona))
    return tuple(salida)


def dia_local(momento: datetime, zona: str) -> date:
    return momento.astimezone(ZoneInfo(zona)).date()


def _dias(desde: date, hasta: date) -> Iterator[date]:
    d = desde
    while d <= hasta:
        yield d
        d += _DIA


def ofrecidos(
    agenda: Agenda, centro: Centro, ahora: datetime, desde: date, hasta: date
) -> list[Horario]:
    """Horarios reservables entre dos fechas locales, respetando anticipación y horizonte."""
    hoy = dia_local(ahora, centro.zona)
    ultimo = hoy + timedelta(days=agenda.horizonte_dias)
    limite = int((ahora + timedelta(minutes=agenda.anticipacion_min)).timestamp() * 1000)
    horario = _congelar(centro.horario)
    salida: list[Horario] = []
    for dia in _dias(max(desde, hoy), min(hasta, ultimo)):
        if dia.isoformat() in centro.inhabiles:
            continue
        salida.extend(
            h for h in _del_dia(agenda, centro.zona, horario, dia) if h.inicio_ms >= limite
        )
    return salida


def buscar(agenda: Agenda, centro: Centro, ahora: datetime, inicio: datetime) -> Horario | None:
    """El horario reservable que empieza en `inicio`, o None si no se ofrece."""
    dia = dia_local(inicio, centro.zona)
    for h in ofrecidos(agenda, centro, ahora, dia, dia):
        if h.inicio == inicio:
            return h
    return None


def lugares_por_omision(ventanillas: int, fraccion: float = 0.5) -> int:
    """Lugares por horario si no se indican: ventanillas que atienden el trámite × la parte que
    se reserva para citas (al menos uno)."""
    return max(1, int(ventanillas * fraccion))

"""El .ics de una cita (RFC 5545, paquete `icalendar`): horas en UTC, UID estable derivado del
folio, SEQUENCE que sube en cada cambio y un recordatorio VALARM.

METHOD:PUBLISH sin ORGANIZER: REQUEST y CANCEL son mensajes iTIP (RFC 5546) que exigen
ORGANIZER y ATTENDEE, y los clientes de correo los muestran como invitación por aceptar. Una
cita cancelada se publica con el mismo UID, SEQUENCE mayor y STATUS:CANCELLED."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event


@dataclass(frozen=True)
class DatosIcs:
    folio: str
    centro: str
    centro_nombre: str
    tramite_nombre: str
    requisitos: str
    inicio: datetime
    fin: datetime
    secuencia: int
    cancelada: bool
    enlace: str


def uid(folio: str, centro: str) -> str:
    return f"{folio.lower()}.{centro}@citas.turnos"


def calendario(d: DatosIcs, ahora: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Turnos//Citas//ES")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    ev = Event()
    ev.add("uid", uid(d.folio, d.centro))
    ev.add("dtstamp", ahora.astimezone(UTC))
    ev.add("dtstart", d.inicio.astimezone(UTC))
    ev.add("dtend", d.fin.astimezone(UTC))
    ev.add("sequence", d.secuencia)
    ev.add("status", "CANCELLED" if d.cancelada else "CONFIRMED")
    ev.add("summary", f"Cita: {d.tramite_nombre} (folio {d.folio})")
    ev.add("location", d.centro_nombre)
    descripcion = [f"Folio: {d.folio}", f"Trámite: {d.tramite_nombre}"]
    if d.requisitos:
        descripcion.append(f"Requisitos: {d.requisitos}")
    descripcion.append(f"Consultar, cambiar o cancelar: {d.enlace}")
    ev.add("description", "\n".join(descripcion))
    if not d.cancelada:
        alarma = Alarm()
        alarma.add("action", "DISPLAY")
        alarma.add("description", f"Su cita de {d.tramite_nombre} es en 2 horas")
        alarma.add("trigger", timedelta(hours=-2))
        ev.add_component(alarma)
    cal.add_component(ev)
    return bytes(cal.to_ical())

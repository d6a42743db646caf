"""Correos de citas por bandeja de salida (outbox).

`avisar` escribe el mensaje (y su recordatorio) en `cita_correo` DENTRO de la transacción que
cambia la cita: si la cita no se confirma, el correo tampoco existe; si se confirma, el correo no
se pierde. `enviar_pendientes` los manda por SMTP con reintentos; cada envío se reclama con un
UPDATE condicionado (un solo proceso lo manda; `turnos.servicios.bandeja`, común con el buzón).
Cancelar o cambiar la cita cancela sus recordatorios pendientes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from citas import ics, lecturas
from turnos.db.almacen import Almacen, Tx
from turnos.servicios import bandeja, smtp
from turnos.servicios.consultas import CentroInfo
from turnos.servicios.smtp import Smtp
from turnos.tiempo import a_ms

MAX_INTENTOS = 6
RECORDATORIO_ANTES = timedelta(hours=24)

_ENCOLAR = text(
    "INSERT INTO cita_correo (centro_id, cita_id, tipo, para, asunto, cuerpo, ics, estado,"
    " intentos, enviar_ms, error, creado_ms) VALUES (:c, :cita, :tipo, :para, :asunto, :cuerpo,"
    " :ics, 'pendiente', 0, :enviar, '', :ms)"
)
_CANCELAR_RECORDATORIOS = text(
    "UPDATE cita_correo SET estado = 'cancelado' WHERE cita_id = :cita AND tipo = 'recordatorio'"
    " AND estado = 'pendiente'"
)
_ASUNTOS = {
    "confirmacion": "Su cita {folio} quedó agendada",
    "cambio": "Su cita {folio} cambió de horario",
    "cancelacion": "Su cita {folio} quedó cancelada",
    "recordatorio": "Recordatorio: su cita {folio} es el {cuando}",
    "cierre": "Su cita {folio} se canceló: el centro no abrirá ese día",
}
_ENTRADAS = {
    "confirmacion": "Su cita quedó agendada.",
    "cambio": "Su cita cambió de horario.",
    "cancelacion": "Su cita quedó cancelada; su lugar se liberó para alguien más.",
    "recordatorio": "Le recordamos su cita.",
    "cierre": (
        "El centro no abrirá el día de su cita (día inhábil), por eso la cancelamos."
        " Disculpe la molestia; puede agendar otra en el enlace de abajo."
    ),
}
_ENLACES = {"cierre": "Agendar otra cita"}


def _cuando(ms: int, zona: str) -> str:
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(zona)).strftime("%d/%m/%Y a las %H:%M h")


def avisar(tx: Tx, c: CentroInfo, cita_id: int, tipo: str, enlace: str, ahora: datetime) -> None:
    """Encola el aviso `tipo` de la cita (si dejó correo) y reprograma su recordatorio."""
    f = lecturas.cita_por_id(tx.conn, cita_id)
    ms = a_ms(ahora)
    tx.ejecutar(_CANCELAR_RECORDATORIOS, {"cita": cita_id})
    if not f.correo:
        return
    cuando = _cuando(f.inicio_ms, c.zona)
    datos_ics = lecturas.datos_ics(tx.conn, f, c, enlace)
    calendario = ics.calendario(datos_ics, ahora).decode()

    def encolar(tipo_: str, enviar_ms: int) -> None:
        cuerpo = "\n".join(
            [
                _ENTRADAS[tipo_],
                "",
                f"Folio: {f.folio}",
                f"Trámite: {f.tramite_nombre}",
                f"Centro: {c.nombre}",
                f"Cuándo: {cuando} (hora del centro)",
                "",
                f"{_ENLACES.get(tipo_, 'Consultar, cambiar o cancelar')}: {enlace}",
            ]
            + (
                []
                if f.estado == "cancelada"
                else ["Al llegar, escriba su folio en el kiosco («Tengo una cita»)."]
            )
        )
        tx.ejecutar(
            _ENCOLAR,
            {
                "c": c.id,
                "cita": cita_id,
                "tipo": tipo_,
                "para": f.correo,
                "asunto": _ASUNTOS[tipo_].format(folio=f.folio, cuando=cuando)[:200],
                "cuerpo": cuerpo,
                "ics": calendario,
                "enviar": enviar_ms,
                "ms": ms,
            },
        )

    encolar(tipo, ms)
    recordar_ms = f.inicio_ms - int(RECORDATORIO_ANTES.total_seconds() * 1000)
    if f.estado == "agendada" and recordar_ms > ms:
        encolar("recordatorio", recordar_ms)


def leer_url(url: str) -> Smtp:
    """`TURNOS_SMTP_URL`; sin `?remitente=`, ``citas@host``."""
    return smtp.leer_url(url, "citas")


def _mensaje(fila: Any, remitente: str) -> EmailMessage:
    m = EmailMessage()
    m["From"] = remitente
    m["To"] = fila.para
    m["Subject"] = fila.asunto
    m.set_content(fila.cuerpo)
    if fila.ics:
        m.add_attachment(
            fila.ics.encode(),
            maintype="text",
            subtype="calendar",
            filename="cita.ics",
            params={"method": "PUBLISH"},
        )
    return m


def enviar_pendientes(alm: Almacen, ahora: datetime, conf: Smtp, maximo: int = 50) -> int:
    """Manda los correos que ya tocan (bandeja común del núcleo); devuelve cuántos salieron."""
    return bandeja.enviar_pendientes(
        alm, ahora, conf, "cita_correo", _mensaje, maximo=maximo, max_intentos=MAX_INTENTOS
    )

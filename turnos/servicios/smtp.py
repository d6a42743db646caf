"""Envío SMTP común a las capacidades que mandan correo por bandeja de salida (citas y buzón;
la bandeja misma: `bandeja.py`). `TURNOS_SMTP_URL`:
``smtp://usuario:clave@host:587?remitente=…`` (STARTTLS si el servidor lo ofrece) o ``smtps://``."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    usuario: str
    clave: str
    remitente: str
    tls: bool  # smtps:// (TLS directo); smtp:// usa STARTTLS si el servidor lo ofrece


def leer_url(url: str, buzon_remitente: str = "turnos") -> Smtp:
    """La URL de settings; sin `?remitente=`, ``{buzon_remitente}@host``."""
    partes = urlsplit(url)
    if partes.scheme not in ("smtp", "smtps") or not partes.hostname:
        raise ValueError("TURNOS_SMTP_URL debe ser smtp://… o smtps://…")
    remitente = parse_qs(partes.query).get("remitente", [""])[0]
    return Smtp(
        host=partes.hostname,
        port=partes.port or (465 if partes.scheme == "smtps" else 25),
        usuario=unquote(partes.username or ""),
        clave=unquote(partes.password or ""),
        remitente=remitente or f"{buzon_remitente}@{partes.hostname}",
        tls=partes.scheme == "smtps",
    )


def mandar(smtp: Smtp, mensaje: EmailMessage) -> None:
    clase = smtplib.SMTP_SSL if smtp.tls else smtplib.SMTP
    with clase(smtp.host, smtp.port, timeout=20) as s:
        if not smtp.tls and s.has_extn("starttls"):
            s.starttls()
        if smtp.usuario:
            s.login(smtp.usuario, smtp.clave)
        s.send_message(mensaje)

"""Bandeja de salida de correo (outbox) común a las capacidades que mandan correo (citas, buzón).

Cada capacidad escribe sus mensajes en su propia tabla DENTRO de la transacción que los motiva
(si el cambio no se confirma, el correo no existe; si se confirma, no se pierde). La tabla lleva
al menos `id, estado, intentos, enviar_ms, enviado_ms, error` y lo que `armar` necesite.

`enviar_pendientes` manda lo que ya toca con reintentos exponenciales (2, 4, 8… min): cada envío
se reclama antes con un UPDATE condicionado que además deja programado el reintento, así un solo
proceso lo manda y, si el proceso muere a media entrega, se reintenta. `Cartero` es el
trabajador en segundo plano que corre una vuelta al despertar o cada `intervalo_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import TextClause, text

from turnos.db.almacen import Almacen
from turnos.servicios.smtp import Smtp, mandar
from turnos.tiempo import a_ms

log = logging.getLogger(__name__)

MAX_INTENTOS = 6
INTERVALO_S = 30.0

Armar = Callable[[Any, str], EmailMessage]  # (fila de la tabla, remitente) -> mensaje


def _sentencias(tabla: str) -> tuple[TextClause, TextClause, TextClause]:
    # `tabla` es una constante de la capacidad (nunca viene de una petición).
    return (
        text(
            f"SELECT * FROM {tabla} WHERE estado = 'pendiente' AND enviar_ms <= :ms"
            " ORDER BY enviar_ms, id LIMIT :n"
        ),
        text(
            f"UPDATE {tabla} SET intentos = intentos + 1, enviar_ms = :proximo"
            " WHERE id = :id AND estado = 'pendiente' AND enviar_ms = :antes"
        ),
        text(
            f"UPDATE {tabla} SET estado = :estado, enviado_ms = :enviado, error = :error"
            " WHERE id = :id"
        ),
    )


def enviar_pendientes(
    alm: Almacen,
    ahora: datetime,
    smtp: Smtp,
    tabla: str,
    armar: Armar,
    *,
    maximo: int = 50,
    max_intentos: int = MAX_INTENTOS,
) -> int:
    """Manda los mensajes de `tabla` que ya tocan; devuelve cuántos salieron."""
    debidos_sql, reclamar_sql, resultado_sql = _sentencias(tabla)
    ms = a_ms(ahora)
    with alm.lectura() as conn:
        debidos = conn.execute(debidos_sql, {"ms": ms, "n": maximo}).all()
    enviados = 0
    for fila in debidos:
        espera = timedelta(minutes=2 ** min(fila.intentos, 8))
        reclamo = {"proximo": a_ms(ahora + espera), "id": fila.id, "antes": fila.enviar_ms}
        with alm.transaccion() as tx:
            if tx.ejecutar(reclamar_sql, reclamo).rowcount != 1:
                continue  # otro proceso lo tomó
        try:
            mandar(smtp, armar(fila, smtp.remitente))
        except (OSError, smtplib.SMTPException) as e:
            # Solo el tipo de error: ni el destinatario ni el mensaje van al log.
            intento, tipo = fila.intentos + 1, type(e).__name__
            log.warning("%s %s no salió (intento %s): %s", tabla, fila.id, intento, tipo)
            estado = "fallido" if intento >= max_intentos else "pendiente"
            enviado, error = None, f"{tipo}: {e}"[:300]
        else:
            estado, enviado, error = "enviado", ms, ""
            enviados += 1
        with alm.transaccion() as tx:
            tx.ejecutar(
                resultado_sql, {"estado": estado, "enviado": enviado, "error": error, "id": fila.id}
            )
    return enviados


class Cartero:
    """Trabajador de una bandeja: corre `vuelta(alm, ahora)` en un hilo al despertar (alguien
    acaba de escribir un mensaje) o cada `intervalo_s` (reintentos y lo programado). Una vuelta
    que falla se anota y se reintenta en la siguiente: el trabajador no muere."""

    def __init__(
        self,
        nombre: str,
        vuelta: Callable[[Almacen, datetime], Any],
        intervalo_s: float = INTERVALO_S,
    ) -> None:
        self.nombre = nombre
        self.vuelta = vuelta
        self.intervalo_s = intervalo_s
        self.timbre = asyncio.Event()
        self.tarea: asyncio.Task[None] | None = None

    def arrancar(self, alm: Almacen, reloj: Callable[[], datetime]) -> None:
        self.tarea = asyncio.create_task(self._ciclo(alm, reloj), name=f"cartero_{self.nombre}")

    async def _ciclo(self, alm: Almacen, reloj: Callable[[], datetime]) -> None:
        while True:
            try:
                await asyncio.to_thread(self.vuelta, alm, reloj())
            except Exception:  # noqa: BLE001 - el trabajador no muere; lo intenta luego
                log.exception("falló una vuelta de la bandeja de salida de %s", self.nombre)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.timbre.wait(), self.intervalo_s)
            self.timbre.clear()

    def despertar(self) -> None:
        """Tras escribir un mensaje en la bandeja: que salga ya, sin esperar la vuelta."""
        self.timbre.set()

    async def detener(self) -> None:
        if self.tarea is not None:
            self.tarea.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.tarea
            self.tarea = None

"""Protocolo HTTP de uvicorn con plazo para leer las cabeceras.

uvicorn no limita cuánto tarda un cliente en mandar sus cabeceras: 400 conexiones abiertas sin
enviar nada (o enviando un byte de vez en cuando) se quedan ocupando el proceso. Aquí cada
conexión nueva y cada petición que empieza tienen `plazo_s` para completar sus cabeceras; si no,
se cierra la conexión. El tiempo ocioso entre peticiones lo limita `timeout_keep_alive`."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from turnos.settings import Settings


class ProtocoloConPlazo(HttpToolsProtocol):
    plazo_s: float = float(Settings.desde_entorno().plazo_cabeceras_s)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plazo: asyncio.TimerHandle | None = None

    def _armar(self) -> None:
        self._desarmar()
        self._plazo = self.loop.call_later(self.plazo_s, self._vencido)

    def _desarmar(self) -> None:
        if self._plazo is not None:
            self._plazo.cancel()
            self._plazo = None

    def _vencido(self) -> None:
        self._plazo = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._armar()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._armar()

    def on_headers_complete(self) -> None:
        self._desarmar()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._desarmar()
        super().connection_lost(exc)

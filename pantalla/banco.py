"""Banco de pruebas: almacén de eventos en memoria y uvicorn real en un hilo.

Lo usan las pruebas y el benchmark de pantallas para ejercitar el hub y los websockets sin el
núcleo. Sigue el contrato del núcleo (eventos públicos, snapshot, replay) de forma mínima;
no contiene reglas de negocio.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Coroutine
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import uvicorn

Evento = dict[str, Any]
T = TypeVar("T")

_TZ = timezone(timedelta(hours=-6))
# Como el snapshot del núcleo: en curso, y atendidos o ausentes (los últimos llamados).
_ACTIVOS = {"llamado", "en_atencion", "atendido", "ausente"}
_ESTADO = {
    "turno_llamado": "llamado",
    "turno_rellamado": "llamado",
    "turno_iniciado": "en_atencion",
    "turno_finalizado": "atendido",
    "turno_ausente": "ausente",
    "turno_cancelado": "cancelado",
    "turno_transferido": "transferido",
    "turno_expirado": "expirado",
}


class AlmacenMemoria:
    """Registro de eventos en una lista (seguro entre hilos) con snapshot y replay."""

    def __init__(
        self,
        centro: str = "demo",
        tramites: dict[str, tuple[str, str]] | None = None,
        limite_replay: int = 500,
    ) -> None:
        self.centro = centro
        # clave -> (prefijo, nombre)
        self.tramites = tramites or {"LIC": ("A", "Licencia de conducir"), "PRED": ("B", "Predial")}
        self.limite_replay = limite_replay
        self.eventos: list[Evento] = []
        self.cola = {clave: 0 for clave in self.tramites}
        self._numeros = {clave: 0 for clave in self.tramites}
        self._ids = 0
        self._lock = threading.Lock()

    def agregar(
        self,
        tipo: str,
        turno: dict[str, Any] | None = None,
        ventanilla: int | None = None,
        **extra: Any,
    ) -> Evento:
        """«Confirma» un evento: le asigna el siguiente seq y la cola resultante."""
        with self._lock:
            evento: Evento = {
                "seq": len(self.eventos) + 1,
                "tipo": tipo,
                "ts": datetime.now(_TZ).isoformat(timespec="seconds"),
                "centro": self.centro,
            }
            if turno is not None:
                evento["turno"] = dict(turno, estado=_ESTADO.get(tipo, "en_espera"))
            if ventanilla is not None:
                evento["ventanilla"] = {"numero": ventanilla, "nombre": f"Ventanilla {ventanilla}"}
            evento.update(extra)
            evento["cola"] = dict(self.cola)
            self.eventos.append(evento)
            return evento

    def turno(self, tramite: str = "LIC", numero: int | None = None) -> dict[str, Any]:
        prefijo, nombre = self.tramites[tramite]
        if numero is None:
            self._numeros[tramite] += 1
            numero = self._numeros[tramite]
        self._ids += 1
        return {
            "id": self._ids,
            "folio": f"{prefijo}-{numero:03d}",
            "tramite": tramite,
            "tramite_nombre": nombre,
            "clase": "general",
        }

    def emitir(self, tramite: str = "LIC") -> Evento:
        with self._lock:
            self.cola[tramite] += 1
        return self.agregar("turno_emitido", self.turno(tramite))

    def llamar(
        self, turno: dict[str, Any], ventanilla: int = 1, tipo: str = "turno_llamado"
    ) -> Evento:
        with self._lock:
            if tipo == "turno_llamado" and self.cola[turno["tramite"]] > 0:
                self.cola[turno["tramite"]] -= 1
        return self.agregar(tipo, turno, ventanilla)

    async def snapshot(self, centro: str) -> Evento:
        with self._lock:
            eventos = list(self.eventos)
            cola = dict(self.cola)
        llamados: dict[str, Evento] = {}
        for ev in eventos:
            turno = ev.get("turno")
            if turno is None or ev["tipo"] == "turno_emitido":
                continue
            # Solo un (re)llamado mueve el turno al frente; lo demás cambia su estado.
            if ev["tipo"] in ("turno_llamado", "turno_rellamado"):
                llamado = llamados.pop(turno["folio"], None) or {}
                llamado.update(seq=ev["seq"], ts=ev["ts"])
            else:
                llamado = llamados.get(turno["folio"], {"seq": ev["seq"], "ts": ev["ts"]})
            llamado.update(
                folio=turno["folio"],
                tramite=turno["tramite"],
                tramite_nombre=turno["tramite_nombre"],
                estado=turno["estado"],
            )
            if "ventanilla" in ev:
                llamado["ventanilla"] = ev["ventanilla"]
            llamados[turno["folio"]] = llamado
        recientes = [ll for ll in reversed(llamados.values()) if ll["estado"] in _ACTIVOS][:20]
        return {
            "tipo": "snapshot",
            "seq": eventos[-1]["seq"] if eventos else 0,
            "centro": {
                "slug": centro,
                "nombre": "Centro de prueba",
                "horario_texto": "Lunes a viernes de 8:30 a 15:00",
                "mensajes": ["Tenga a la mano su identificación oficial."],
            },
            "llamados": recientes,
            "cola": {
                k: {"nombre": n, "esperando": cola[k]} for k, (_p, n) in self.tramites.items()
            },
            "ventanillas": [
                {"numero": n, "nombre": f"Ventanilla {n}", "estado": "abierta"} for n in range(1, 5)
            ],
        }

    async def replay(self, centro: str, desde: int) -> list[Evento] | None:
        with self._lock:
            if desde > len(self.eventos) or len(self.eventos) - desde > self.limite_replay:
                return None
            return self.eventos[desde:]


class ServidorHilo:
    """Uvicorn real en 127.0.0.1 con puerto efímero, en un hilo con su propio loop."""

    def __init__(self, app: Any, **opciones: Any) -> None:
        opciones.setdefault("log_level", "warning")
        opciones.setdefault("lifespan", "off")
        opciones.setdefault("timeout_graceful_shutdown", 2)
        self.config = uvicorn.Config(app, **opciones)
        self.servidor = uvicorn.Server(self.config)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._hilo: threading.Thread | None = None
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.puerto: int = self._socket.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.puerto}"

    @property
    def url_ws(self) -> str:
        return f"ws://127.0.0.1:{self.puerto}"

    def _correr(self) -> None:
        async def principal() -> None:
            self.loop = asyncio.get_running_loop()
            await self.servidor.serve(sockets=[self._socket])

        asyncio.run(principal())

    def __enter__(self) -> ServidorHilo:
        self._hilo = threading.Thread(target=self._correr, name="uvicorn-prueba", daemon=True)
        self._hilo.start()
        limite = time.monotonic() + 10
        while not self.servidor.started:
            if time.monotonic() > limite or not self._hilo.is_alive():
                raise RuntimeError("uvicorn no arrancó")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.servidor.should_exit = True
        if self._hilo is not None:
            self._hilo.join(10)
        self._socket.close()

    def ejecutar(self, coro: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        """Corre una corrutina en el loop del servidor (p. ej. publicar en el hub)."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

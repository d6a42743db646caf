"""Agente del kiosco: imprime en la impresora local (USB o archivo) lo que manda el servidor.

    python -m kiosco.agente --servidor https://turnos.centro.gob.mx --impresora escpos+usb://04b8:0e15
    turnos kiosco-agente …   (mismas opciones)

El token del dispositivo kiosco va en `--token` o, mejor, en la variable TURNOS_TOKEN (así no
aparece en `ps`). Mantiene un websocket con `/ws/agente`, recibe tickets ya renderizados,
imprime, confirma o informa la falla y el estado de la impresora (papel, fuera de línea).
Reconecta con espera exponencial (0.5 s … 30 s, con variación aleatoria).

Entrega una sola vez: tras imprimir, anota la `clave` del trabajo en `impresos.txt` (con fsync)
y solo después confirma. Si se cae entre imprimir y confirmar, el servidor reenvía el trabajo y
el agente, al verlo anotado, solo confirma.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import logging
import os
import random
import signal
import sys
from collections import deque
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kiosco.impresoras import EstadoImpresora, Impresora, ResultadoImpresion, impresora_desde_url

log = logging.getLogger("turnos.agente")

ESPERA_MIN_S, ESPERA_MAX_S = 0.5, 30.0
ESTADO_CADA_S = 30.0
INTENTOS = 3
MAX_ANOTADOS = 5000


class Bitacora:
    """Claves ya impresas (archivo de texto, una por línea; se guardan las últimas N)."""

    def __init__(self, carpeta: Path) -> None:
        carpeta.mkdir(parents=True, exist_ok=True)
        self.ruta = carpeta / "impresos.txt"
        previas = self.ruta.read_text().split() if self.ruta.exists() else []
        self._claves: deque[str] = deque(previas[-MAX_ANOTADOS:], maxlen=MAX_ANOTADOS)
        self._conjunto = set(self._claves)
        if len(previas) > MAX_ANOTADOS:  # compactar al arrancar
            self.ruta.write_text("".join(f"{c}\n" for c in self._claves))

    def contiene(self, clave: str) -> bool:
        return clave in self._conjunto

    def anotar(self, clave: str) -> None:
        with open(self.ruta, "a") as archivo:
            archivo.write(f"{clave}\n")
            archivo.flush()
            os.fsync(archivo.fileno())
        if len(self._claves) == self._claves.maxlen:
            self._conjunto.discard(self._claves[0])
        self._claves.append(clave)
        self._conjunto.add(clave)


def url_ws(servidor: str) -> str:
    base = servidor.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base.removeprefix("https://") + "/ws/agente"
    if base.startswith("http://"):
        return "ws://" + base.removeprefix("http://") + "/ws/agente"
    if base.startswith(("ws://", "wss://")):
        return base if base.endswith("/ws/agente") else base + "/ws/agente"
    raise ValueError(f"--servidor debe empezar con http:// o https:// (se recibió {servidor!r})")


def _estado_json(estado: EstadoImpresora | None) -> dict[str, Any] | None:
    if estado is None:
        return None
    return {**asdict(estado), "lista": estado.lista, "descripcion": estado.descripcion()}


async def imprimir_con_reintentos(
    impresora: Impresora, datos: bytes
) -> tuple[ResultadoImpresion, int]:
    resultado = ResultadoImpresion.falla("sin intentos")
    for intento in range(1, INTENTOS + 1):
        try:
            resultado = await impresora.imprimir(datos)
        except Exception as exc:  # un adaptador con errores no debe tumbar al agente
            resultado = ResultadoImpresion.falla(f"Error inesperado del adaptador: {exc!r}")
        if resultado.impreso or not resultado.reintentable:
            return resultado, intento
        if intento < INTENTOS:
            await asyncio.sleep(0.5 * 2 ** (intento - 1))
    return resultado, INTENTOS


class Agente:
    def __init__(self, servidor: str, token: str, impresora: Impresora, carpeta: Path) -> None:
        self.url = url_ws(servidor)
        self.token = token
        self.impresora = impresora
        self.bitacora = Bitacora(carpeta)
        self.conectado = False

    async def _trabajo(self, ws: Any, msg: dict[str, Any]) -> None:
        clave, trabajo_id = str(msg.get("clave", "")), msg.get("id")
        if clave and self.bitacora.contiene(clave):
            log.info(
                "trabajo %s (%s) ya estaba impreso: solo se confirma", trabajo_id, msg.get("folio")
            )
            respuesta = {"impreso": True, "intentos": 0, "motivo": ""}
        else:
            datos = base64.b64decode(msg.get("datos", ""))
            resultado, intentos = await imprimir_con_reintentos(self.impresora, datos)
            if resultado.impreso and clave:
                self.bitacora.anotar(clave)
            log.info(
                "trabajo %s (%s): %s",
                trabajo_id,
                msg.get("folio"),
                "impreso" if resultado.impreso else resultado.motivo,
            )
            respuesta = {
                "impreso": resultado.impreso,
                "intentos": intentos,
                "motivo": resultado.motivo or "",
                "impresora": _estado_json(resultado.estado),
            }
        await ws.send(
            json.dumps({"tipo": "resultado", "id": trabajo_id, "clave": clave, **respuesta})
        )

    async def _informar_estado(self, ws: Any) -> None:
        while True:
            estado = await self.impresora.estado()
            await ws.send(json.dumps({"tipo": "estado", "impresora": _estado_json(estado)}))
            await asyncio.sleep(ESTADO_CADA_S)

    async def sesion(self, ws: Any) -> None:
        informe = asyncio.create_task(self._informar_estado(ws))
        try:
            async for crudo in ws:
                msg = json.loads(crudo)
                if msg.get("tipo") == "hola":
                    self.conectado = True
                    log.info("conectado como %s", msg.get("dispositivo"))
                elif msg.get("tipo") == "trabajo":
                    await self._trabajo(ws, msg)
        finally:
            informe.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await informe

    async def ejecutar(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus, WebSocketException

        espera = ESPERA_MIN_S
        cabeceras = {"Authorization": f"Bearer {self.token}"}
        while True:
            self.conectado = False
            try:
                async with connect(self.url, additional_headers=cabeceras, open_timeout=10) as ws:
                    await self.sesion(ws)
            except InvalidStatus as exc:
                log.error(
                    "el servidor rechazó la conexión (%s): ¿token de un kiosco válido?",
                    exc.response.status_code,
                )
            except (OSError, WebSocketException, TimeoutError) as exc:
                log.warning("sin conexión con %s: %s", self.url, exc)
            if self.conectado:
                espera = ESPERA_MIN_S  # la conexión sí funcionó: reintentar pronto
            pausa = espera * random.uniform(0.8, 1.2)
            log.info("reconectando en %.1f s", pausa)
            await asyncio.sleep(pausa)
            espera = min(ESPERA_MAX_S, espera * 2)


def agregar_argumentos(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--servidor",
        default=os.environ.get("TURNOS_SERVIDOR"),
        help="URL del servidor, p. ej. https://turnos.centro.gob.mx (o TURNOS_SERVIDOR)",
    )
    p.add_argument(
        "--token",
        default=None,
        help="token del dispositivo kiosco (mejor en la variable TURNOS_TOKEN)",
    )
    p.add_argument(
        "--impresora",
        default=os.environ.get("TURNOS_IMPRESORA"),
        help="escpos+usb://VID:PID, archivo:///dev/usb/lp0 o escpos+net://host:9100",
    )
    p.add_argument(
        "--estado",
        default=os.environ.get("TURNOS_AGENTE_ESTADO", "."),
        help="carpeta de la bitácora de impresos (por omisión, la actual)",
    )


def ejecutar_desde_args(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get("TURNOS_TOKEN", "")
    faltan = [
        n
        for n, v in (
            ("--servidor", args.servidor),
            ("--token/TURNOS_TOKEN", token),
            ("--impresora", args.impresora),
        )
        if not v
    ]
    if faltan:
        print(f"Error: falta {', '.join(faltan)}.", file=sys.stderr)
        return 2
    try:
        impresora = impresora_desde_url(args.impresora)
        agente = Agente(args.servidor, token, impresora, Path(args.estado))
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    log.info("agente del kiosco: %s -> %s", agente.url, impresora.url)

    async def principal() -> None:
        tarea = asyncio.create_task(agente.ejecutar())
        loop = asyncio.get_running_loop()
        for senal in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(senal, tarea.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await tarea

    asyncio.run(principal())
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kiosco.agente", description=__doc__.splitlines()[0])
    agregar_argumentos(p)
    return ejecutar_desde_args(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

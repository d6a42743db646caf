"""Agente del kiosco de punta a punta: servidor uvicorn real + proceso real `python -m kiosco.agente`
imprimiendo en un archivo. Se mata al agente (SIGKILL) con trabajos pendientes y se vuelve a
arrancar: cada ticket sale una sola vez.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from kiosco.cli import asignar
from tests.e2e.test_impresion_servidor import CENTRO, emitir, eventos
from tests.escpos_decodificar import decodificar, textos
from tests.servidor import servidor
from turnos.servicios.auditoria import auditar

pytestmark = pytest.mark.lento


class Agentes:
    """Arranca y mata procesos del agente; todos comparten la carpeta de estado."""

    def __init__(self, url: str, token: str, carpeta: Path) -> None:
        self.url, self.token, self.carpeta = url, token, carpeta
        self.procesos: list[subprocess.Popen[bytes]] = []

    def arrancar(self, impresora: str) -> subprocess.Popen[bytes]:
        bitacora = open(self.carpeta / f"agente-{len(self.procesos)}.log", "wb")  # noqa: SIM115
        proceso = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosco.agente",
                "--servidor",
                self.url,
                "--impresora",
                impresora,
                "--estado",
                str(self.carpeta),
            ],
            env={**os.environ, "TURNOS_TOKEN": self.token},  # el token no va en la línea de órdenes
            stdout=bitacora,
            stderr=subprocess.STDOUT,
        )
        self.procesos.append(proceso)
        return proceso

    def matar(self, proceso: subprocess.Popen[bytes]) -> None:
        proceso.send_signal(signal.SIGKILL)
        proceso.wait(10)

    def terminar_todos(self) -> None:
        for p in self.procesos:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()


def esperar(condicion: Callable[[], Any], limite_s: float = 20, que: str = "") -> Any:
    fin = time.monotonic() + limite_s
    while time.monotonic() < fin:
        valor = condicion()
        if valor:
            return valor
        time.sleep(0.1)
    raise AssertionError(f"no ocurrió a tiempo: {que}")


@pytest.fixture
def entorno(alm, centro, db_url, tmp_path: Path) -> Iterator[tuple[Any, Agentes]]:
    # Impresora USB en el kiosco: la atiende su agente (agente://kiosco-1).
    asignar(alm, "kiosco-1", "escpos+usb://0416:5011", "generico_80mm", CENTRO)
    with servidor(db_url) as srv:
        agentes = Agentes(srv.url, centro.kiosco_token, tmp_path)
        try:
            yield srv, agentes
        finally:
            agentes.terminar_todos()


def estado_impresiones(srv: Any, jefe: str) -> dict[str, Any]:
    r = httpx.get(
        f"{srv.url}/api/v1/centros/{CENTRO}/impresiones",
        headers={"Authorization": f"Bearer {jefe}"},
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def folios_impresos(archivo: Path) -> Counter[str]:
    if not archivo.exists():
        return Counter()
    lineas = textos(decodificar(archivo.read_bytes()))
    return Counter(linea for linea in lineas if len(linea) == 5 and linea[1] == "-")


def test_agente_entrega_una_vez_aunque_lo_maten(alm, centro, entorno, tmp_path: Path):
    srv, agentes = entorno
    archivo = tmp_path / "usb.bin"
    conectado = lambda: estado_impresiones(srv, centro.jefe_token)["agentes"]  # noqa: E731

    a = agentes.arrancar(f"archivo://{archivo}")
    esperar(conectado, que="el agente se conecta")
    primeros = [emitir(srv.url, centro.kiosco_token) for _ in range(3)]
    assert [r["impresion"]["estado"] for r in primeros] == ["impreso"] * 3
    agentes_vistos = conectado()
    assert agentes_vistos[0]["dispositivo"] == "kiosco-1"
    assert agentes_vistos[0]["impresora"]["en_linea"] is True

    agentes.matar(a)
    esperar(lambda: not conectado(), que="el servidor nota la desconexión")
    t0 = time.monotonic()
    pendientes = [emitir(srv.url, centro.kiosco_token, "B") for _ in range(3)]
    assert time.monotonic() - t0 < 10  # sin agente no se hace esperar al ciudadano 8 s por turno
    assert [r["impresion"]["estado"] for r in pendientes] == ["pendiente"] * 3
    assert all(r["ticket"]["qr"]["d"] for r in pendientes)

    # Caída entre imprimir y confirmar: el primer pendiente ya quedó anotado como impreso.
    with alm.lectura() as c:
        clave, folio_anotado = c.execute(
            text(
                "SELECT clave, folio FROM impresion WHERE estado = 'pendiente' ORDER BY id LIMIT 1"
            )
        ).one()
    with open(tmp_path / "impresos.txt", "a") as f:
        f.write(f"{clave}\n")

    agentes.arrancar(f"archivo://{archivo}")
    esperar(
        lambda: all(
            t["estado"] == "impreso" for t in estado_impresiones(srv, centro.jefe_token)["trabajos"]
        ),
        que="los pendientes se imprimen al volver el agente",
    )
    todos = [r["ticket"]["folio"] for r in primeros + pendientes]
    esperados = Counter(f for f in todos if f != folio_anotado)
    assert folios_impresos(archivo) == esperados

    # Otro reinicio no repite nada.
    agentes.terminar_todos()
    agentes.arrancar(f"archivo://{archivo}")
    esperar(conectado, que="el agente se reconecta")
    time.sleep(3)  # más que la revisión periódica del servidor (2 s)
    assert folios_impresos(archivo) == esperados
    assert auditar(alm, CENTRO)[1] is None


def test_agente_informa_la_falla_y_el_estado(alm, centro, entorno, tmp_path: Path):
    srv, agentes = entorno
    agentes.arrancar("archivo:///no/existe/impresora.bin")
    conectado = lambda: estado_impresiones(srv, centro.jefe_token)["agentes"]  # noqa: E731
    vistos = esperar(conectado, que="el agente se conecta")
    esperar(lambda: conectado()[0]["impresora"] is not None, que="el agente informa su impresora")
    assert conectado()[0]["impresora"]["en_linea"] is False
    r = emitir(srv.url, centro.kiosco_token)
    assert r["impresion"]["estado"] == "fallido"
    assert "No se pudo escribir" in r["impresion"]["motivo"]
    falla = eventos(alm, "impresion_fallida")
    assert [e["folio"] for e in falla] == [r["ticket"]["folio"]]
    assert falla[0]["impresora"] == "agente://kiosco-1" and vistos
    assert auditar(alm, CENTRO)[1] is None


def test_solo_un_kiosco_puede_ser_agente(centro, entorno):
    srv, _ = entorno
    ws_url = srv.url.replace("http", "ws") + "/ws/agente"
    for token in (centro.pantalla_token, centro.jefe_token, "token-inventado"):
        with pytest.raises(InvalidStatus):
            connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"}).close()
    with connect(
        ws_url, additional_headers={"Authorization": f"Bearer {centro.kiosco_token}"}
    ) as ws:
        assert '"hola"' in str(ws.recv(timeout=5))

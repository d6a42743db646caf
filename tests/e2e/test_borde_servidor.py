"""`turnos serve` real (uvicorn en un subproceso): el log de acceso no guarda secretos y una
conexión que no manda (o no termina) sus cabeceras se cierra."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import sembrar_centro
from tests.servidor import esperar_salud, puerto_libre, terminar
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor


@pytest.fixture(scope="module")
def servidor_serve(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    sqlite_url = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(sqlite_url)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    puerto = puerto_libre()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "TURNOS_LOG": "INFO",
        "TURNOS_SECRETO": "secreto-de-prueba",
        "TURNOS_PLAZO_CABECERAS_S": "2",
    }
    with log.open("wb") as salida:
        proceso = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "turnos.cli",
                "serve",
                "--db",
                sqlite_url,
                "--port",
                str(puerto),
            ],
            env=env,
            stdout=salida,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{puerto}"
    try:
        esperar_salud(url, proceso)
        yield url, puerto, centro, log
    finally:
        terminar(proceso, 5)


def test_el_log_de_acceso_no_guarda_tokens(servidor_serve):
    url, puerto, centro, log = servidor_serve
    kiosco = {"Authorization": f"Bearer {centro.kiosco_token}"}
    turno = httpx.post(f"{url}/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=kiosco)
    publico = turno.json()["token"]
    secretos = [centro.kiosco_token, centro.pantalla_token, publico, centro.jefe_token]
    httpx.get(f"{url}/kiosco/prueba?token={centro.kiosco_token}")
    httpx.get(f"{url}/pantalla/prueba?token={centro.pantalla_token}&tramites=A")
    httpx.get(f"{url}/t/{publico}")
    httpx.get(f"{url}/api/v1/turnos/{publico}")
    httpx.get(f"{url}/api/v1/seguimiento/{publico}")
    httpx.get(f"{url}/cualquier/ruta/nueva?token={centro.jefe_token}")
    with connect(f"ws://127.0.0.1:{puerto}/ws/pantalla/prueba?token={centro.pantalla_token}") as ws:
        ws.recv(timeout=10)
    with connect(f"ws://127.0.0.1:{puerto}/ws/t/{publico}") as ws:
        ws.recv(timeout=10)
    httpx.get(f"{url}/salud")  # el último: cuando aparece, lo anterior ya se escribió
    texto = ""
    for _ in range(50):
        texto = log.read_text()
        if texto.count("GET /salud") >= 2:
            break
        time.sleep(0.1)
    assert '"GET /kiosco/prueba?token=*** HTTP/1.1" 303' in texto, texto
    assert "/t/***" in texto and "/ws/pantalla/prueba?token=***" in texto, texto
    for secreto in secretos:
        assert secreto not in texto


def test_conexion_sin_cabeceras_se_cierra(servidor_serve):
    _, puerto, _, _ = servidor_serve
    for inicio in (b"", b"GET /salud HTTP/1.1\r\nHost: x\r\n"):  # nada, o cabeceras a medias
        with socket.create_connection(("127.0.0.1", puerto)) as s:
            s.settimeout(30)
            s.sendall(inicio)
            assert s.recv(1024) == b""  # el servidor cerró la conexión


def test_sin_url_publica_el_arranque_lo_advierte(servidor_serve):
    """Sin TURNOS_URL_PUBLICA el QR del ticket apunta a 127.0.0.1: ningún teléfono lo abre."""
    *_, log = servidor_serve
    texto = log.read_text(encoding="utf-8", errors="replace")
    assert "TURNOS_URL_PUBLICA" in texto and "teléfono" in texto


@pytest.mark.parametrize(
    ("url", "avisa"),
    [
        ("", True),
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("http://192.168.1.20:8000", False),
        ("https://turnos.ejemplo.gob.mx", False),
    ],
)
def test_aviso_de_url_publica(url, avisa):
    from turnos.settings import aviso_url_publica

    assert (aviso_url_publica(url) is not None) is avisa

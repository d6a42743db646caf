"""`turnos serve --demo` en un proceso real: dice cómo abre fuera del horario real, emite a
cualquier hora (la del reloj de la máquina) y al detenerse deja guardado el horario real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from tests.servidor import esperar_salud, puerto_libre
from turnos import demo
from turnos.db.almacen import Almacen
from turnos.db.motor import crear_motor
from turnos.servicios import consultas


def test_serve_demo_abre_a_cualquier_hora_y_al_salir_restaura(tmp_path, sqlite_url):
    puerto = puerto_libre()
    env = {**os.environ, "TURNOS_URL_PUBLICA": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "turnos.cli", "serve", "--demo", "--db", sqlite_url,
         "--port", str(puerto)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    salida: list[str] = []
    try:
        assert proc.stdout is not None
        token = ""
        limite = time.monotonic() + 60
        while demo.AVISO_HORARIO not in "".join(salida):
            assert time.monotonic() < limite and proc.poll() is None, "".join(salida)
            linea = proc.stdout.readline()
            salida.append(linea)
            if "/kiosco/demo?token=" in linea:
                token = linea.rsplit("token=", 1)[1].strip()
        url = f"http://127.0.0.1:{puerto}"
        esperar_salud(url, proc)
        r = httpx.post(
            f"{url}/api/v1/kiosco/demo/turnos",
            json={"tramite": "ACT"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert r.status_code == 201, r.text  # a la hora que sea que corra la prueba
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    motor = crear_motor(sqlite_url)
    with Almacen(motor).lectura() as conn:
        assert consultas.centro(conn, "demo").horario == demo.HORARIO
    motor.dispose()


def test_serve_sin_demo_repara_el_horario_que_dejo_un_demo_matado(tmp_path, sqlite_url):
    """`serve --demo` muerto con SIGKILL no alcanza a restaurar: el centro demo queda abierto a
    toda hora. El siguiente `turnos serve` (sin --demo) lo devuelve a su horario real y lo dice."""
    motor = crear_motor(sqlite_url)
    alm = Almacen(motor)
    from turnos.db.migrar import migrar
    from turnos.tiempo import ahora

    migrar(motor)
    demo.sembrar(alm, ahora())
    demo.extender_horario(alm, ahora())  # lo que deja un `serve --demo` matado
    puerto = puerto_libre()
    proc = subprocess.Popen(
        [sys.executable, "-m", "turnos.cli", "serve", "--db", sqlite_url, "--port", str(puerto)],
        cwd=tmp_path, env={**os.environ, "TURNOS_URL_PUBLICA": ""}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:  # sin leer la salida mientras arranca: sin nada que leer, readline bloquearía
        esperar_salud(f"http://127.0.0.1:{puerto}", proc)
    finally:
        proc.send_signal(signal.SIGINT)
        salida, _ = proc.communicate(timeout=30)
    assert "horario real" in salida, salida
    with alm.lectura() as conn:
        c = consultas.centro(conn, "demo")
    assert (c.horario, c.tolerancia_min) == (demo.HORARIO, demo.TOLERANCIA_MIN)
    motor.dispose()

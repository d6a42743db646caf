"""Piezas reales para oír una pantalla: Xvfb, PulseAudio con sumidero nulo y speech-dispatcher.

Todo queda aislado en un directorio temporal (XDG_RUNTIME_DIR, PULSE_RUNTIME_PATH, HOME): la
prueba no comparte audio ni voz con otros procesos de la máquina, y corre como root (CI) porque
PulseAudio se lanza en primer plano como hijo de la prueba. Chromium arranca speech-dispatcher
solo (como en la TV); al final se detiene por su archivo de pid.
"""

from __future__ import annotations

import array
import math
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import omitir

TASA = 16_000  # Hz, mono, s16le
MODULO_ESPEAK = Path("/usr/lib/speech-dispatcher-modules/sd_espeak-ng")
PROGRAMAS = {
    "Xvfb": "xvfb",
    "pulseaudio": "pulseaudio",
    "parec": "pulseaudio-utils",
    "pactl": "pulseaudio-utils",
    "speech-dispatcher": "speech-dispatcher",
    "espeak-ng": "espeak-ng",
}


def revisar_piezas() -> None:
    faltan = sorted({paq for prog, paq in PROGRAMAS.items() if not shutil.which(prog)})
    if not MODULO_ESPEAK.exists():
        faltan.append("speech-dispatcher-espeak-ng")
    if faltan:
        omitir(f"faltan paquetes de Debian para oír la pantalla: {' '.join(faltan)} (.ci/run)")


@dataclass
class Sala:
    """Entorno de sonido: ``env`` va a Chromium (y de ahí a speech-dispatcher)."""

    env: dict[str, str]
    dir: Path
    procesos: list[subprocess.Popen[bytes]] = field(default_factory=list)


def _esperar(condicion: object, limite_s: float, que: str) -> None:
    fin = time.monotonic() + limite_s
    while not condicion():  # type: ignore[operator]
        if time.monotonic() > fin:
            raise RuntimeError(f"no arrancó a tiempo: {que}")
        time.sleep(0.1)


def _terminar(proceso: subprocess.Popen[bytes]) -> None:
    if proceso.poll() is None:
        proceso.terminate()
        try:
            proceso.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proceso.kill()
            proceso.wait(timeout=5)


@contextmanager
def sala_con_sonido() -> Iterator[Sala]:
    revisar_piezas()
    directorio = Path(tempfile.mkdtemp(prefix="turnos-sonido-"))
    directorio.chmod(0o700)  # speech-dispatcher y PulseAudio exigen un runtime dir privado
    env = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(directorio),
        "PULSE_RUNTIME_PATH": str(directorio / "pulse"),
        "HOME": str(directorio),
    }
    sala = Sala(env=env, dir=directorio)
    try:
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", "1", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        sala.procesos.append(xvfb)
        assert xvfb.stdout is not None
        listo, _, _ = select.select([xvfb.stdout], [], [], 15)  # escribe el número al estar listo
        pantalla = xvfb.stdout.readline().decode().strip() if listo else ""
        if not pantalla.isdigit():
            raise RuntimeError("Xvfb no arrancó")
        env["DISPLAY"] = f":{pantalla}"
        # -n: sin default.pa (nada de hardware); solo el sumidero nulo y el socket local.
        pulse = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--load=module-null-sink sink_name=auto_null",
                "--load=module-native-protocol-unix",
                "--log-target=stderr",
                "--log-level=error",
            ],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        sala.procesos.append(pulse)
        _esperar(
            lambda: subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0,
            15,
            "PulseAudio",
        )
        yield sala
    finally:
        pid = directorio / "speech-dispatcher" / "pid" / "speech-dispatcher.pid"
        if pid.exists():  # lo arrancó el Chromium de esta prueba
            with suppress(ValueError, ProcessLookupError):
                os.kill(int(pid.read_text().strip()), signal.SIGTERM)
        for proceso in reversed(sala.procesos):
            _terminar(proceso)
        shutil.rmtree(directorio, ignore_errors=True)


class Grabacion:
    """``parec`` del monitor del sumidero nulo, leído en un hilo."""

    def __init__(self, sala: Sala) -> None:
        self.proceso = subprocess.Popen(
            [
                "parec",
                "-d",
                "auto_null.monitor",
                "--format=s16le",
                f"--rate={TASA}",
                "--channels=1",
                "--latency-msec=50",
            ],
            env=sala.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.datos = bytearray()
        self._hilo = threading.Thread(target=self._leer, daemon=True)
        self._hilo.start()

    def _leer(self) -> None:
        assert self.proceso.stdout is not None
        while bloque := os.read(self.proceso.stdout.fileno(), 4096):
            self.datos += bloque

    def detener(self) -> array.array[int]:
        _terminar(self.proceso)
        self._hilo.join(timeout=5)
        muestras = array.array("h")
        muestras.frombytes(bytes(self.datos[: len(self.datos) // 2 * 2]))
        return muestras


def nivel(muestras: array.array[int]) -> tuple[float, float]:
    """(RMS, pico) normalizados a 0..1."""
    if not muestras:
        return 0.0, 0.0
    rms = math.sqrt(sum(m * m for m in muestras) / len(muestras)) / 32768
    return rms, max(abs(m) for m in muestras) / 32768

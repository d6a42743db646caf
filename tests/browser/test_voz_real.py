"""La TV habla de verdad: Chromium (no headless) bajo Xvfb, speech-dispatcher + espeak-ng y un
sumidero nulo de PulseAudio; se graba su monitor mientras se anuncia un llamado hecho por la API.

Chromium se lanza como lo lanza turnos-navegador@.service: con las opciones que imprime
``python -m firmware_config navegador tv_horizontal URL`` (más ``--no-sandbox``, porque la prueba
corre como root, y un puerto de depuración para leer la página). Las pruebas con grabadora
(test_pantalla.py) comprueban el orden; esta comprueba que suena.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.sonido import Grabacion, nivel, sala_con_sonido
from tests.conftest import omitir, sembrar_centro
from tests.servidor import servidor
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
# Escucha (sin reemplazar) cada locución que la página pide: la síntesis sigue siendo la real.
OYENTE = """
(() => {
  const eventos = [];
  window.__voz = eventos;
  const s = window.speechSynthesis;
  const hablar = s.speak.bind(s);
  s.speak = (u) => {
    for (const tipo of ["start", "end", "error"]) {
      u.addEventListener(tipo, (e) => eventos.push({
        tipo, texto: u.text, error: e.error || null, lang: u.lang,
        voz: u.voice ? u.voice.name : null,
      }));
    }
    hablar(u);
  };
})();
"""


SONIDO = "[document.body.dataset.voz, document.body.dataset.audio]"


def _entorno_navegador(url: str) -> dict[str, str]:
    """El archivo de entorno tal como lo documenta docs/OPERACION.md (§3)."""
    salida = subprocess.run(
        [sys.executable, "-m", "firmware_config", "navegador", "tv_horizontal", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        k: shlex.split(v)[0] if k == "TURNOS_URL" else v
        for k, v in (linea.split("=", 1) for linea in salida.splitlines())
    }


def _esperar_eventos(pagina: Any, tipo: str, limite_s: float) -> list[dict[str, Any]]:
    fin = time.monotonic() + limite_s
    while True:
        eventos = pagina.evaluate("window.__voz || []")
        if any(e["tipo"] in (tipo, "error") for e in eventos):
            return list(eventos)
        assert time.monotonic() < fin, f"sin evento {tipo!r} de la voz: {eventos}"
        time.sleep(0.05)


def test_la_pantalla_anuncia_con_voz_audible(tmp_path: Path) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        omitir("falta el paquete playwright (pip install '.[test]')")
    if not Path(CHROMIUM).exists():
        omitir(f"no hay Chromium en {CHROMIUM} (apt-get install chromium; .ci/run lo instala)")
    url_db = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(url_db)
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    motor.dispose()
    with sala_con_sonido() as sala, servidor(url_db) as s:
        entorno = _entorno_navegador(f"{s.url}/pantalla/prueba?token={centro.pantalla_token}")
        perfil = tempfile.mkdtemp(dir=sala.dir)
        chromium = subprocess.Popen(
            [
                CHROMIUM,
                f"--user-data-dir={perfil}",
                *entorno["TURNOS_CHROMIUM_FLAGS"].split(),
                "--no-sandbox",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            env=sala.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        sala.procesos.append(chromium)
        puerto_archivo = Path(perfil) / "DevToolsActivePort"
        fin = time.monotonic() + 30
        while not puerto_archivo.exists() or not puerto_archivo.read_text().strip():
            assert chromium.poll() is None and time.monotonic() < fin, "Chromium no arrancó"
            time.sleep(0.1)
        puerto = puerto_archivo.read_text().split()[0]
        with sync_playwright() as p:
            navegador = p.chromium.connect_over_cdp(f"http://127.0.0.1:{puerto}")
            contexto = navegador.contexts[0]
            contexto.add_init_script(OYENTE)
            pagina = contexto.pages[0]
            pagina.goto(entorno["TURNOS_URL"])
            pagina.wait_for_selector("body[data-conectado=si][data-seq]", timeout=20_000)
            # La página dice si tiene voz en español y audio (lo mismo que ve el tablero);
            # speech-dispatcher tarda unos segundos en dar sus voces.
            fin = time.monotonic() + 30
            while (sonido := pagina.evaluate(SONIDO)) != ["si", "si"]:
                assert time.monotonic() < fin, f"voz y audio de la pantalla: {sonido}"
                time.sleep(0.1)

            kiosco = {"Authorization": f"Bearer {centro.kiosco_token}"}
            v1 = {"Authorization": f"Bearer {centro.staff_tokens[0]}"}
            base = f"{s.url}/api/v1/centros/prueba"
            assert httpx.post(f"{base}/turnos", json={"tramite": "A"}, headers=kiosco).is_success
            assert httpx.post(f"{base}/ventanillas/1/abrir", headers=v1).is_success
            assert httpx.post(f"{base}/ventanillas/1/llamar", headers=v1).status_code == 200

            eventos = _esperar_eventos(pagina, "start", 30)
            grabacion = Grabacion(sala)  # la campana ya terminó: se graba solo la voz
            eventos = _esperar_eventos(pagina, "end", 30)
            muestras = grabacion.detener()
            navegador.close()

    texto = "Turno a 1, Ventanilla 1"
    assert [(e["tipo"], e["texto"]) for e in eventos] == [("start", texto), ("end", texto)]
    assert eventos[0]["lang"].lower().startswith("es"), eventos[0]
    rms, pico = nivel(muestras)
    segundos = len(muestras) / 16_000
    assert segundos > 0.3, f"grabación demasiado corta: {segundos:.2f} s"
    assert rms > 0.005 and pico > 0.05, f"la voz no sonó: RMS {rms:.4f}, pico {pico:.3f}"

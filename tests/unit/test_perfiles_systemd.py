"""Las unidades de systemd/ corren sin root, endurecidas, y usan los comandos acordados."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

SYSTEMD = Path(__file__).resolve().parents[2] / "systemd"
UNIDADES = [
    "turnos.service",
    "turnos-kiosco-agente.service",
    "turnos-navegador@.service",
    "turnos-respaldo.service",
]


def leer(nombre: str) -> configparser.RawConfigParser:
    unidad = configparser.RawConfigParser(strict=False, interpolation=None)
    unidad.optionxform = str  # type: ignore[assignment,method-assign]
    unidad.read(SYSTEMD / nombre, encoding="utf-8")
    return unidad


@pytest.mark.parametrize("nombre", UNIDADES)
def test_endurecidas_y_sin_root(nombre: str) -> None:
    servicio = leer(nombre)["Service"]
    assert servicio["User"] not in ("", "root")
    for clave, valor in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
    }.items():
        assert servicio[clave] == valor, clave
    assert servicio["Restart"] in ("on-failure", "always")
    assert servicio["StateDirectory"]
    assert servicio.get("CapabilityBoundingSet", None) == ""


def test_comandos() -> None:
    assert leer("turnos.service")["Service"]["ExecStart"].endswith("turnos serve")
    agente = leer("turnos-kiosco-agente.service")["Service"]
    assert agente["EnvironmentFile"] == "/etc/turnos/agente.env"
    assert "turnos kiosco-agente --servidor ${TURNOS_SERVIDOR}" in agente["ExecStart"]
    # el token llega por el entorno (TURNOS_TOKEN del EnvironmentFile), no en la línea de
    # comandos, donde `ps` lo mostraría a cualquier usuario del kiosco
    assert "--token" not in agente["ExecStart"]
    navegador = leer("turnos-navegador@.service")["Service"]
    assert navegador["EnvironmentFile"] == "/etc/turnos/navegador-%i.env"
    assert "chromium" in navegador["ExecStart"] and "${TURNOS_URL}" in navegador["ExecStart"]


def test_respaldo_con_timer_y_la_cli() -> None:
    """El respaldo lo hace la CLI (`turnos respaldo`), no el programa `sqlite3`, y lo dispara un
    timer de systemd persistente (si el equipo estaba apagado a la hora, corre al encender)."""
    servicio = leer("turnos-respaldo.service")["Service"]
    assert servicio["Type"] == "oneshot"
    assert "/opt/turnos/bin/turnos respaldo --salida " in servicio["ExecStart"]
    assert "sqlite3" not in (SYSTEMD / "turnos-respaldo.service").read_text(encoding="utf-8")
    assert "/var/backups/turnos" in servicio["ReadWritePaths"]
    timer = leer("turnos-respaldo.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"

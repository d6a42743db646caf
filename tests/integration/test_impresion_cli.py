"""`turnos impresoras asignar` y `turnos kiosco-agente` (registrados con kiosco.cli.registrar)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import text

from kiosco.cli import asignar, registrar
from turnos.errores import EntradaInvalida, NoEncontrado


def _parser() -> argparse.ArgumentParser:
    """Igual que turnos/cli.py: `comando` agrega --db y la función."""
    p = argparse.ArgumentParser(prog="turnos")
    sub = p.add_subparsers(dest="comando", required=True)

    def comando(nombre: str, funcion: Any, ayuda: str, padre: Any = sub) -> argparse.ArgumentParser:
        sp = padre.add_parser(nombre, help=ayuda)
        sp.add_argument("--db")
        sp.set_defaults(funcion=funcion)
        return sp

    registrar(sub, comando)
    return p


def test_asignar_por_linea_de_comandos(alm, centro, db_url, capsys):
    args = _parser().parse_args(
        [
            "impresoras",
            "asignar",
            "--db",
            db_url,
            "--dispositivo",
            "kiosco-1",
            "--url",
            "escpos+net://10.0.0.50:9100",
            "--perfil",
            "epson_tm_t88v",
            "--centro",
            "prueba",
        ]
    )
    assert args.funcion(args) == 0
    assert "escpos+net://10.0.0.50:9100" in capsys.readouterr().out
    with alm.lectura() as c:
        fila = c.execute(
            text("SELECT impresora_url, perfil FROM dispositivo WHERE nombre = 'kiosco-1'")
        ).one()
    assert tuple(fila) == ("escpos+net://10.0.0.50:9100", "epson_tm_t88v")
    # La bitácora dice de qué a qué cambió (la CLI no tiene usuario: queda sin usuario_id).
    with alm.lectura() as c:
        usuario, datos = c.execute(
            text("SELECT usuario_id, datos FROM evento WHERE tipo = 'impresora_asignada'")
        ).one()
    assert usuario is None and json.loads(datos)["anterior"] == ""
    assert json.loads(datos)["impresora"] == "escpos+net://10.0.0.50:9100"


def test_asignar_valida_url_perfil_y_dispositivo(alm, centro):
    with pytest.raises(EntradaInvalida, match="URL de impresora inválida"):
        asignar(alm, "kiosco-1", "lpt1", "generico_80mm", "prueba")
    with pytest.raises(EntradaInvalida, match="no existe el perfil"):
        asignar(alm, "kiosco-1", "archivo:///tmp/x.bin", "epson_inventada", "prueba")
    with pytest.raises(EntradaInvalida, match="solo los kioscos"):
        asignar(alm, "pantalla-1", "archivo:///tmp/x.bin", "generico_80mm", "prueba")
    with pytest.raises(NoEncontrado):
        asignar(alm, "kiosco-9", "archivo:///tmp/x.bin", "generico_80mm", "prueba")
    assert (
        asignar(alm, "kiosco-1", "agente://kiosco-1", "generico_58mm", None)["centro"] == "prueba"
    )


def test_agente_exige_servidor_token_e_impresora():
    args = _parser().parse_args(["kiosco-agente", "--servidor", "http://127.0.0.1:9"])
    assert args.funcion is not None
    r = subprocess.run(
        [sys.executable, "-m", "kiosco.agente", "--servidor", "http://x"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=30,
    )
    assert r.returncode == 2 and "--token/TURNOS_TOKEN" in r.stderr and "--impresora" in r.stderr

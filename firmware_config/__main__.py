"""Utilidades de terminal para instaladores.

    python -m firmware_config validar
    python -m firmware_config navegador kiosco_vertical http://servidor:8000/kiosco/demo \\
        > /etc/turnos/navegador-kiosco.env
"""

from __future__ import annotations

import argparse
import shlex
import sys

from firmware_config.perfiles import (
    cargar_perfil_kiosco,
    cargar_perfil_pantalla,
    validar_todos,
)
from firmware_config.validacion import PerfilInvalido


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m firmware_config")
    sub = parser.add_subparsers(dest="orden", required=True)
    sub.add_parser("validar", help="valida todos los perfiles")
    nav = sub.add_parser("navegador", help="archivo de entorno para turnos-navegador@.service")
    nav.add_argument("perfil", help="p. ej. kiosco_vertical o tv_horizontal")
    nav.add_argument("url", help="URL completa de la página del kiosco o la pantalla")
    args = parser.parse_args(argv)
    try:
        if args.orden == "validar":
            p = validar_todos()
            print(
                f"Perfiles válidos: {len(p.impresoras)} impresoras, "
                f"{len(p.kioscos)} kioscos, {len(p.pantallas)} pantallas"
            )
            return 0
        cargar = (
            cargar_perfil_kiosco if args.perfil.startswith("kiosco") else cargar_perfil_pantalla
        )
        perfil = cargar(args.perfil)
    except PerfilInvalido as exc:
        print(exc, file=sys.stderr)
        return 1
    # systemd parte $TURNOS_CHROMIUM_FLAGS en espacios; por eso las opciones no llevan espacios.
    flags = " ".join(perfil.argumentos_chromium(args.url)[:-1])
    print(f"TURNOS_URL={shlex.quote(args.url)}")
    print(f"TURNOS_CHROMIUM_FLAGS={flags}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

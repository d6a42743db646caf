"""Comandos `turnos respaldo` y `turnos restaurar` (la lógica vive en turnos/servicios/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from turnos import tiempo
from turnos.dominio.numeracion import formatear_folio
from turnos.errores import EntradaInvalida
from turnos.settings import Settings


def _centros(n: int) -> str:
    return f"{n} centro" if n == 1 else f"{n} centros"


def cmd_respaldo(args: argparse.Namespace) -> int:
    from turnos.servicios.respaldo import respaldar

    settings = Settings.desde_entorno(db=args.db)
    salida = Path(args.salida)
    rev = respaldar(settings.db, salida)
    print(f"Respaldo escrito en {salida}.")
    if rev is None:
        print("Volcado de PostgreSQL (formato de pg_dump -Fc): se restaura con `pg_restore`.")
        return 0
    if rev.fallas:
        for slug, f in rev.fallas.items():
            print(
                f"ATENCIÓN: la bitácora de «{slug}» ya venía alterada en la base, evento {f.seq}: {f.motivo}."
            )
        return 1
    print(f"Copia verificada: bitácora íntegra ({rev.eventos} eventos en {_centros(rev.centros)}).")
    return 0


def cmd_restaurar(args: argparse.Namespace) -> int:
    from turnos.servicios.restauracion import marcar_restaurada, restaurar

    settings = Settings.desde_entorno(db=args.db)
    if bool(args.archivo) == bool(args.ya_restaurada):
        raise EntradaInvalida("Indique el ARCHIVO de respaldo o --ya-restaurada (no ambos).")
    if args.ya_restaurada:
        r = marcar_restaurada(settings.db, tiempo.ahora())
        origen = "La base restaurada"
    else:
        r = restaurar(settings.db, Path(args.archivo), tiempo.ahora())
        origen = f"Respaldo {args.archivo}"
    print(
        f"{origen}: bitácora verificada antes de restaurar, íntegra"
        f" ({r.antes.eventos} eventos en {_centros(r.antes.centros)})."
    )
    if r.aparte is not None:
        print(f"La base reemplazada quedó aparte en {r.aparte}.")
    if r.aviso:
        print(f"Aviso: {r.aviso}", file=sys.stderr)
    for slug, d in r.pisos.items():
        siguientes = (
            ", ".join(formatear_folio(p, n + 1) for p, n in d["pisos"].items()) or "(sin trámites)"
        )
        print(f"  «{slug}», día {d['dia']}: serie nueva de folios desde {siguientes}.")
    print(
        f"Bitácora verificada después de restaurar: íntegra ({r.despues.eventos} eventos,"
        " con el evento base_restaurada de cada centro)."
    )
    return 0


def registrar(sub: Any, comando: Any) -> None:
    r = comando(
        "respaldo",
        cmd_respaldo,
        "Copia la base en caliente (SQLite: API de respaldo en línea; PostgreSQL: pg_dump).",
    )
    r.add_argument("--salida", required=True, help="Archivo donde escribir la copia")
    x = comando(
        "restaurar",
        cmd_restaurar,
        "Reemplaza la base SQLite por un respaldo verificado (con el servidor detenido);"
        " en PostgreSQL, tras pg_restore, --ya-restaurada.",
    )
    x.add_argument("archivo", nargs="?", help="Archivo escrito por `turnos respaldo` (SQLite)")
    x.add_argument(
        "--ya-restaurada",
        action="store_true",
        help="La base ya se restauró con pg_restore: verifica, sube los folios del día y lo registra",
    )

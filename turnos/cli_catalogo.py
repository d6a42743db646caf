"""Comandos `turnos catalogo importar|exportar` (trámites en YAML o CSV)."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

import yaml

from turnos import tiempo
from turnos.errores import TurnosError


def _leer_texto(archivo: str) -> str:
    """El archivo como texto, o un TurnosError de una línea (la CLI sale con 2, sin traceback)."""
    try:
        return Path(archivo).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TurnosError(f"El archivo «{archivo}» no existe.") from None
    except UnicodeDecodeError:
        raise TurnosError(f"«{archivo}» no está en UTF-8; guárdelo con esa codificación.") from None
    except OSError as e:
        raise TurnosError(f"No se pudo leer «{archivo}»: {e.strerror}.") from None


def cmd_catalogo(args: argparse.Namespace) -> int:
    from turnos.kit import abrir_almacen
    from turnos.servicios import campos, catalogo, celdas, consultas

    _, alm = abrir_almacen(args)
    formato = args.formato or (
        "csv"
        if str(getattr(args, "archivo", "") or getattr(args, "salida", "") or "").endswith(".csv")
        else "yaml"
    )
    if args.accion == "importar":
        contenido = _leer_texto(args.archivo)
        if formato == "csv":
            try:
                tramites = [
                    {k: celdas.desescapar(v) for k, v in f.items()}
                    for f in csv.DictReader(io.StringIO(contenido))
                ]
            except csv.Error as e:
                raise TurnosError(f"«{args.archivo}» no es un CSV válido: {e}.") from None
        else:
            try:
                datos = yaml.safe_load(contenido) or {}
            except yaml.YAMLError as e:
                marca = getattr(e, "problem_mark", None)
                donde = f" (línea {marca.line + 1})" if marca is not None else ""
                raise TurnosError(f"«{args.archivo}» no es YAML válido{donde}.") from None
            tramites = datos.get("tramites", []) if isinstance(datos, dict) else datos
            if not isinstance(tramites, list):
                raise TurnosError("El YAML debe tener una lista «tramites».")
        n = catalogo.importar_tramites(alm, args.centro, tramites, tiempo.ahora())
        print(f"{n} trámites importados en «{args.centro}».")
        return 0
    with alm.lectura() as conn:
        tramites = [
            {k: v for k, v in t.items() if k != "id"}
            for t in catalogo.listar_tramites(
                conn, consultas.centro(conn, args.centro).id, solo_activos=False
            )
        ]
    if formato == "csv":
        texto = celdas.a_csv(tramites, list(campos.CAMPOS_TRAMITE))
    else:
        texto = yaml.safe_dump({"tramites": tramites}, allow_unicode=True, sort_keys=False)
    if args.salida:
        Path(args.salida).write_text(texto, encoding="utf-8")
    else:
        sys.stdout.write(texto)
    return 0


def registrar(sub: Any, comando: Any) -> None:
    cat = sub.add_parser("catalogo", help="Importar/exportar trámites (YAML o CSV)").add_subparsers(
        dest="accion", required=True
    )
    i = comando("importar", cmd_catalogo, "Importa trámites (todo o nada).", cat)
    i.add_argument("archivo")
    i.add_argument("--centro", required=True)
    i.add_argument("--formato", choices=["yaml", "csv"])
    e = comando("exportar", cmd_catalogo, "Exporta los trámites.", cat)
    e.add_argument("--centro", required=True)
    e.add_argument("--formato", choices=["yaml", "csv"])
    e.add_argument("--salida")

"""Comandos del buzón: unidades, asuntos, tabla de canalización y api_key de Open311."""

from __future__ import annotations

import argparse
from typing import Any

from turnos import tiempo


def _alm(args: argparse.Namespace) -> Any:
    from turnos.kit import abrir_almacen

    return abrir_almacen(args)[1]


def cmd_unidad(args: argparse.Namespace) -> int:
    from buzon import catalogo

    catalogo.guardar_unidad(_alm(args), args.centro, args.clave, args.nombre, args.correo)
    print(f"Unidad {args.clave} guardada en {args.centro}.")
    return 0


def cmd_asunto(args: argparse.Namespace) -> int:
    from buzon import catalogo

    catalogo.guardar_asunto(_alm(args), args.centro, args.clave, args.nombre, args.orden)
    print(f"Asunto {args.clave} guardado en {args.centro}.")
    return 0


def cmd_ruta(args: argparse.Namespace) -> int:
    from buzon import catalogo

    catalogo.guardar_ruta(_alm(args), args.centro, args.tipo, args.asunto, args.unidad)
    print(f"Ruta {args.tipo or '*'} × {args.asunto or '*'} → {args.unidad} guardada.")
    return 0


def cmd_open311(args: argparse.Namespace) -> int:
    from buzon import catalogo

    clave = catalogo.emitir_api_key(_alm(args), args.nombre, tiempo.ahora())
    print(f"api_key de Open311 para «{args.nombre}» (se muestra una sola vez):")
    print(clave)
    return 0


def cmd_recordatorios(args: argparse.Namespace) -> int:
    from buzon.correo import recordar_vencidos

    n = recordar_vencidos(_alm(args), tiempo.ahora())
    print(f"Recordatorios de casos vencidos encolados: {n}")
    return 0


def registrar(sub: Any, comando: Any) -> None:
    p = comando("buzon-unidad", cmd_unidad, "Crea o cambia una unidad responsable del buzón.")
    p.add_argument("--centro", required=True)
    p.add_argument("--clave", required=True)
    p.add_argument("--nombre", required=True)
    p.add_argument("--correo", default="", help="a dónde se avisa cada caso canalizado")
    p = comando("buzon-asunto", cmd_asunto, "Crea o cambia un asunto del catálogo del buzón.")
    p.add_argument("--centro", required=True)
    p.add_argument("--clave", required=True)
    p.add_argument("--nombre", required=True)
    p.add_argument("--orden", type=int, default=0)
    p = comando("buzon-ruta", cmd_ruta, "Canalización: tipo × asunto → unidad (vacío: cualquiera).")
    p.add_argument("--centro", required=True)
    p.add_argument("--tipo", default="")
    p.add_argument("--asunto", default="")
    p.add_argument("--unidad", required=True, help="clave de la unidad")
    comando(
        "buzon-recordatorios",
        cmd_recordatorios,
        "Encola un recordatorio a la unidad de cada caso vencido (una vez; para cron).",
    )
    p = comando("buzon-open311-clave", cmd_open311, "Emite la api_key de una aplicación Open311.")
    p.add_argument("--nombre", required=True, help="nombre de la aplicación cliente")

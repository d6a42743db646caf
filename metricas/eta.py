"""`turnos eta evaluar --centro C --desde D --hasta H`: back-test del estimador de espera.

Reproduce la bitácora sin mirar al futuro (`turnos.servicios.retro`) e imprime, por trámite y
en total, MAE, mediana del error absoluto, sesgo (predicho − real; negativo = subestima) y la
cobertura del rango mostrado, junto a las mismas cifras de la línea base ingenua.
"""

from __future__ import annotations

import argparse
from typing import Any

from turnos.errores import EntradaInvalida
from turnos.servicios import retro


def _min(s: float) -> str:
    return f"{s / 60:7.1f}"


def formatear(filas: list[dict[str, Any]], sin_estimacion: int, no_llamados: int) -> str:
    cab = (
        f"{'trámite':<10}{'n':>7}  {'MAE min':>7} {'medAE':>7} {'sesgo':>7} {'cobert.':>7}"
        f"   |  base: {'MAE':>7} {'medAE':>7} {'sesgo':>7} {'cobert.':>7}"
    )
    lineas = [cab, "-" * len(cab)]
    for f in filas:
        lineas.append(
            f"{f['tramite']:<10}{f['n']:>7}  {_min(f['eta_mae_s'])} {_min(f['eta_mediana_ae_s'])}"
            f" {_min(f['eta_sesgo_s'])} {f['eta_cobertura']:>7.1%}"
            f"   |        {_min(f['base_mae_s'])} {_min(f['base_mediana_ae_s'])}"
            f" {_min(f['base_sesgo_s'])} {f['base_cobertura']:>7.1%}"
        )
    lineas.append(
        f"Sin estimación (ninguna ventanilla abierta): {sin_estimacion}; "
        f"nunca llamados (no se puntúan): {no_llamados}."
    )
    return "\n".join(lineas) + "\n"


def cmd_evaluar(args: argparse.Namespace) -> int:
    from turnos.kit import abrir_almacen

    if args.hasta < args.desde:
        raise EntradaInvalida("--hasta no puede ser anterior a --desde.")
    _, alm = abrir_almacen(args)
    res, claves = retro.evaluar_centro(alm, args.centro, args.desde, args.hasta)
    filas = retro.tabla(res, claves)
    if not filas:
        print("No hay turnos llamados con estimación en ese periodo.")
        return 0
    print(formatear(filas, res.sin_estimacion, res.no_llamados), end="")
    return 0


def registrar(sub: Any, comando: Any, fecha: Any) -> None:
    eta = sub.add_parser("eta", help="Estimador de espera").add_subparsers(
        dest="accion", required=True
    )
    e = comando(
        "evaluar", cmd_evaluar, "Back-test del estimador contra la línea base ingenua.", eta
    )
    e.add_argument("--centro", required=True)
    e.add_argument("--desde", required=True, type=fecha, help="AAAA-MM-DD (día local)")
    e.add_argument("--hasta", required=True, type=fecha, help="AAAA-MM-DD (inclusive)")

"""`turnos eta evaluar --centro C --desde D --hasta H`: back-test del estimador de espera.

Reproduce la bitácora sin mirar al futuro (`turnos.servicios.retro`) e imprime, por trámite y
en total, MAE, mediana del error absoluto, sesgo (predicho − real; negativo = subestima) y la
cobertura del rango mostrado, junto a las mismas cifras de la línea base ingenua.

Dice cuántas estimaciones arrancaron con la meta de atención del catálogo (sin historia) y avisa
si las atenciones reales son mucho más cortas que esa meta: tiempo comprimido, como la demo tras
`turnos simular`, donde las cifras no miden la exactitud del estimador (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
from typing import Any

from turnos.errores import EntradaInvalida
from turnos.servicios import retro


def _min(s: float) -> str:
    return f"{s / 60:7.1f}"


def avisos(res: Any, claves: dict[str, str]) -> str:
    """Líneas sobre la historia usada: estimaciones con la meta del catálogo y tiempo comprimido."""
    total = int(res.estimador["*"].resumen()["n"]) if "*" in res.estimador else 0
    lineas = [
        f"Estimaciones sin historia de atenciones (con la meta del catálogo): {res.con_meta}"
        f" de {total}."
    ]
    comprimidos = [
        f"{claves.get(tid, tid)} ({media:.1f} s contra {meta / 60:.0f} min)"
        for tid, (media, meta) in sorted(
            res.comprimidos.items(), key=lambda x: claves.get(x[0], "")
        )
    ]
    if comprimidos:
        lineas.append(
            "Aviso: la atención real media es mucho más corta que la meta del catálogo con la que"
            " el estimador arranca sin historia, en " + ", ".join(comprimidos) + ". ¿Tiempo"
            " comprimido (turnos simular)? Estas cifras no miden su exactitud en un centro real."
        )
    return "\n".join(lineas) + "\n"


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
    print(avisos(res, claves), end="")
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

import argparse
from typing import Any

from sqlalchemy import text


def cmd_saludar(args: argparse.Namespace) -> int:
    from turnos.kit import abrir_almacen

    _, alm = abrir_almacen(args)  # aplica también las migraciones de esta capacidad
    with alm.motor.begin() as conn:
        conn.execute(text("INSERT INTO juguete_saludo (texto) VALUES (:t)"), {"t": args.texto})
    print(f"Saludo guardado: {args.texto}")
    return 0


def registrar(sub: Any, comando: Any) -> None:
    p = comando("juguete-saludar", cmd_saludar, "Guarda un saludo (capacidad de juguete).")
    p.add_argument("--texto", required=True)

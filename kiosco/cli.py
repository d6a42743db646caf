"""Comandos del kiosco para `turnos` (los registra turnos/cli.py con `registrar`).

    turnos kiosco-agente --servidor URL [--token T | TURNOS_TOKEN] --impresora URL
    turnos impresoras asignar --dispositivo kiosco-entrada --url escpos+net://10.0.0.50:9100 \
        --perfil epson_tm_t20ii [--centro demo]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from firmware_config.perfiles import cargar_perfil_impresora
from firmware_config.validacion import PerfilInvalido
from kiosco import agente
from kiosco.impresoras import impresora_desde_url
from kiosco.trabajos import ESQUEMA_AGENTE
from turnos import tiempo
from turnos.errores import EntradaInvalida, NoEncontrado

Comando = Callable[..., argparse.ArgumentParser]


def validar_url(url: str) -> str:
    url = url.strip()
    if url.startswith(ESQUEMA_AGENTE):
        if not url.removeprefix(ESQUEMA_AGENTE).strip():
            raise EntradaInvalida(
                "Use agente://NOMBRE con el nombre del kiosco cuyo agente imprime."
            )
        return url
    try:
        impresora_desde_url(url)
    except ValueError as exc:
        raise EntradaInvalida(str(exc)) from None
    return url


def asignar(
    alm: Any, dispositivo: str, url: str, perfil: str, centro: str | None
) -> dict[str, Any]:
    url = validar_url(url) if url else ""
    try:
        cargar_perfil_impresora(perfil)
    except PerfilInvalido as exc:
        raise EntradaInvalida(str(exc)) from None
    with alm.transaccion() as tx:
        filtro = " AND c.slug = :c" if centro else ""
        filas = tx.ejecutar(
            text(
                "SELECT d.id, d.centro_id, d.tipo, d.impresora_url, c.slug FROM dispositivo d"
                " JOIN centro c"
                f" ON c.id = d.centro_id WHERE d.nombre = :n{filtro}"
            ),
            {"n": dispositivo, "c": centro},
        ).all()
        if not filas:
            raise NoEncontrado(f"No existe el dispositivo «{dispositivo}».")
        if len(filas) > 1:
            raise EntradaInvalida(f"Hay varios dispositivos «{dispositivo}»; indique --centro.")
        d = filas[0]
        if d.tipo != "kiosco":
            raise EntradaInvalida(f"«{dispositivo}» es {d.tipo}; solo los kioscos imprimen.")
        tx.ejecutar(
            text("UPDATE dispositivo SET impresora_url = :u, perfil = :p WHERE id = :d"),
            {"u": url, "p": perfil, "d": d.id},
        )
        tx.evento(
            d.centro_id,
            "impresora_asignada",
            tiempo.a_ms(tiempo.ahora()),
            dispositivo_id=d.id,
            datos={
                "dispositivo": dispositivo,
                "anterior": (d.impresora_url or "").split("?", 1)[0],
                "impresora": url.split("?", 1)[0],
                "perfil": perfil,
            },
        )
    return {"centro": d.slug, "dispositivo": dispositivo, "url": url, "perfil": perfil}


def cmd_asignar(args: argparse.Namespace) -> int:
    from turnos.kit import abrir_almacen

    _, alm = abrir_almacen(args)
    r = asignar(alm, args.dispositivo, args.url, args.perfil, args.centro)
    destino = r["url"] or "(sin impresora: el ticket solo se muestra en pantalla)"
    print(f"{r['centro']}/{r['dispositivo']}: impresora {destino}, perfil {r['perfil']}.")
    if r["url"].startswith(("escpos+usb://", ESQUEMA_AGENTE)):
        print(
            "Imprime el agente del kiosco: instale turnos-kiosco-agente.service (docs/OPERACION.md)."
        )
    return 0


def cmd_agente(args: argparse.Namespace) -> int:
    return agente.ejecutar_desde_args(args)


def registrar(sub: Any, comando: Comando) -> None:
    a = comando(
        "kiosco-agente",
        cmd_agente,
        "Agente del kiosco: imprime en la impresora local los tickets que manda el servidor.",
    )
    agente.agregar_argumentos(a)
    impresoras = sub.add_parser("impresoras", help="Impresoras de los kioscos").add_subparsers(
        dest="accion", required=True
    )
    s = comando(
        "asignar", cmd_asignar, "Asigna la impresora (URL) y su perfil a un kiosco.", impresoras
    )
    s.add_argument("--dispositivo", required=True, help="nombre del kiosco, p. ej. kiosco-entrada")
    s.add_argument(
        "--url",
        required=True,
        help="escpos+net://HOST:9100, escpos+usb://VID:PID, archivo:///ruta o agente://NOMBRE;"
        " vacío = sin impresora",
    )
    s.add_argument("--perfil", default="generico_80mm", help="perfil de firmware_config/impresoras")
    s.add_argument("--centro", help="slug del centro (si el nombre se repite)")


if __name__ == "__main__":  # pragma: no cover - atajo: python -m kiosco.cli kiosco-agente …
    sys.exit(agente.main(sys.argv[1:]))

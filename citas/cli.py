"""Comandos de citas: `turnos citas-agenda` (configurar la agenda de un trámite) y
`turnos citas-inasistencias` (el proceso del día: no_presentada; idempotente, para cron)."""

from __future__ import annotations

import argparse
from typing import Any

from turnos import tiempo


def cmd_agenda(args: argparse.Namespace) -> int:
    from citas import configuracion
    from turnos.kit import abrir_almacen

    _, alm = abrir_almacen(args)
    agenda = configuracion.guardar_agenda(
        alm,
        args.centro,
        args.tramite.upper(),
        None,
        tiempo.ahora(),
        duracion_min=args.duracion,
        lugares=args.lugares,
        horizonte_dias=args.horizonte,
        anticipacion_min=args.anticipacion,
        activa=not args.desactivar,
        sistema=True,  # quien tiene la consola administra la instalación
    )
    print(
        f"Agenda de {agenda['tramite']}: horarios de {agenda['duracion_min']} min,"
        f" {agenda['lugares']} lugar(es) por horario, hasta {agenda['horizonte_dias']} días,"
        f" {agenda['anticipacion_min']} min de anticipación"
        + ("" if agenda["activa"] else " (desactivada)")
        + "."
    )
    return 0


def cmd_inasistencias(args: argparse.Namespace) -> int:
    from citas.registro import marcar_inasistencias
    from turnos.kit import abrir_almacen

    _, alm = abrir_almacen(args)
    n = marcar_inasistencias(alm, tiempo.ahora())
    print(f"Citas marcadas como no presentadas: {n}")
    return 0


def cmd_cierres(args: argparse.Namespace) -> int:
    from citas import cierres
    from turnos.kit import abrir_almacen

    settings, alm = abrir_almacen(args)
    ahora = tiempo.ahora()
    if not args.avisar:
        for a in cierres.afectadas(alm, args.centro, ahora):
            print(
                f"{a['folio']}\t{a['inicio']}\t{a['tramite']}\tcorreo: {'sí' if a['con_correo'] else 'no'}"
            )
        return 0
    base = (settings.url_publica or "").rstrip("/")
    folios = cierres.avisar_afectadas(alm, args.centro, ahora, base)
    print(f"Citas canceladas y avisadas por día inhábil: {len(folios)}")
    return 0


def registrar(sub: Any, comando: Any) -> None:
    p = comando("citas-agenda", cmd_agenda, "Crea o cambia la agenda de citas de un trámite.")
    p.add_argument("--centro", required=True)
    p.add_argument("--tramite", required=True)
    p.add_argument("--duracion", type=int, default=30, help="minutos por horario")
    p.add_argument("--lugares", type=int, default=None, help="por horario (omisión: ventanillas)")
    p.add_argument("--horizonte", type=int, default=30, help="días hacia adelante")
    p.add_argument("--anticipacion", type=int, default=60, help="minutos mínimos para reservar")
    p.add_argument("--desactivar", action="store_true")
    comando(
        "citas-inasistencias",
        cmd_inasistencias,
        "Marca no_presentada las citas cuya ventana de llegada ya cerró (idempotente).",
    )
    p = comando(
        "citas-cierres",
        cmd_cierres,
        "Lista las citas que caen en un día inhábil; con --avisar las cancela y las avisa.",
    )
    p.add_argument("--centro", required=True)
    p.add_argument("--avisar", action="store_true")

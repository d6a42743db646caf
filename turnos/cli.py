"""Línea de comandos `turnos`. Los comandos que crean un token lo imprimen solo, en la última línea."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from turnos import tiempo
from turnos.capacidades import descubrir
from turnos.db.almacen import Almacen
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor, es_sqlite
from turnos.errores import TurnosError
from turnos.settings import Settings, aviso_url_publica


def _almacen(args: argparse.Namespace) -> tuple[Settings, Almacen]:
    settings = Settings.desde_entorno(db=getattr(args, "db", None))
    motor = crear_motor(settings.db, sqlite_sync=settings.sqlite_sync, pool_size=2)
    migrar(motor)
    return settings, Almacen(motor)


def cmd_serve(args: argparse.Namespace) -> int:
    settings = Settings.desde_entorno(
        db=args.db, host=args.host, port=args.port, workers=args.workers
    )
    if settings.workers > 1 and es_sqlite(settings.db):
        print(
            "Error: SQLite admite un solo proceso (--workers 1). Para varios procesos use PostgreSQL "
            "(TURNOS_DB=postgresql+psycopg://…).",
            file=sys.stderr,
        )
        return 2
    _, alm = _almacen(argparse.Namespace(db=settings.db))
    base = f"http://{settings.host}:{settings.port}"
    aviso = aviso_url_publica(settings.url_publica)
    if aviso:
        print(aviso, file=sys.stderr)
    from turnos import demo

    if args.demo:
        demo.imprimir(demo.sembrar(alm, tiempo.ahora()), base)
        demo.extender_horario(alm, tiempo.ahora())
        print(demo.AVISO_HORARIO + "\n")
    elif demo.reparar_horario(alm, tiempo.ahora()):
        print(demo.AVISO_REPARADO, file=sys.stderr)
    alm.motor.dispose()
    try:
        _correr_uvicorn(settings)
    finally:
        if args.demo:
            _, alm = _almacen(argparse.Namespace(db=settings.db))
            demo.restaurar_horario(alm, tiempo.ahora())
            alm.motor.dispose()
    return 0


def _correr_uvicorn(settings: Settings) -> None:
    import uvicorn

    from turnos.web.borde import opciones_uvicorn

    env = {
        "TURNOS_DB": settings.db,
        "TURNOS_HOST": settings.host,
        "TURNOS_PORT": str(settings.port),
    }
    import os

    os.environ.update(env)
    uvicorn.run(
        "turnos.web.app:fabrica",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_nivel.lower(),
        proxy_headers=True,
        **opciones_uvicorn(),
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from turnos import demo

    _, alm = _almacen(args)
    demo.imprimir(demo.sembrar(alm, tiempo.ahora()), "http://127.0.0.1:8000")
    print("Horario guardado: lunes a viernes de 08:30 a 15:30 (`serve --demo` abre a toda hora).")
    return 0


def cmd_migrar(args: argparse.Namespace) -> int:
    _almacen(args)
    print("Base de datos al día.")
    return 0


def cmd_centros_crear(args: argparse.Namespace) -> int:
    from turnos.servicios import catalogo

    _, alm = _almacen(args)
    catalogo.crear_centro(alm, args.slug, args.nombre, zona=args.zona)
    print(f"Centro «{args.slug}» creado.")
    return 0


def cmd_usuarios_crear(args: argparse.Namespace) -> int:
    from turnos.servicios import cuentas

    _, alm = _almacen(args)
    password = sys.stdin.readline().rstrip("\n")
    cuentas.crear_usuario(alm, args.usuario, password, args.rol, args.centro, args.nombre or "")
    print(f"Usuario «{args.usuario}» creado con rol {args.rol}.")
    return 0


def cmd_usuarios_contrasena(args: argparse.Namespace) -> int:
    from turnos.servicios import cuentas

    _, alm = _almacen(args)
    password = sys.stdin.readline().rstrip("\n")
    cuentas.restablecer_contrasena(
        alm, None, args.usuario, password, tiempo.ahora(), obligar_cambio=args.cambiar_al_entrar
    )
    print(f"Contraseña de «{args.usuario}» cambiada; sus sesiones abiertas se cerraron.")
    return 0


def cmd_tokens_crear(args: argparse.Namespace) -> int:
    from turnos.servicios import cuentas

    _, alm = _almacen(args)
    token = cuentas.crear_token_personal(alm, args.usuario, tiempo.ahora(), args.descripcion or "")
    print(f"Token personal para «{args.usuario}» (guárdelo; no se vuelve a mostrar):")
    print(token)
    return 0


def cmd_dispositivos_crear(args: argparse.Namespace) -> int:
    from turnos.servicios import cuentas

    _, alm = _almacen(args)
    _, token = cuentas.crear_dispositivo(
        alm,
        args.centro,
        args.tipo,
        args.nombre,
        tiempo.ahora(),
        impresora_url=args.impresora or "",
        perfil=args.perfil or "",
    )
    print(
        f"Dispositivo {args.tipo} «{args.nombre}» creado en «{args.centro}». Token (no se vuelve a mostrar):"
    )
    print(token)
    return 0


def cmd_auditar(args: argparse.Namespace) -> int:
    from turnos.servicios.auditoria import auditar, fuera_de_orden, imprimir_cuentas

    _, alm = _almacen(args)
    if args.cuentas:
        return imprimir_cuentas(alm)
    if not args.centro:
        raise TurnosError("Indique --centro C (bitácora de un centro) o --cuentas.")
    total, falla = auditar(alm, args.centro)
    if falla is None:
        print(f"Bitácora de «{args.centro}» íntegra: {total} eventos verificados.")
        llamadas = fuera_de_orden(alm, args.centro)
        print(f"Llamadas fuera de orden: {len(llamadas)}")
        for x in llamadas:
            print(
                f"  {x['ts']}  {x['folio']}  ventanilla {x['ventanilla']}  {x['usuario']}  motivo: {x['motivo']}"
            )
        from turnos.servicios.auditoria import restauraciones

        restauradas = restauraciones(alm, args.centro)
        print(f"Restauraciones: {len(restauradas)}")
        for x in restauradas:
            print(f"  {x['ts']}  evento {x['seq']}  {x['resumen']}")
        return 0
    print(f"ALTERACIÓN DETECTADA en «{args.centro}», evento {falla.seq}: {falla.motivo}.")
    return 1


def cmd_cierre(args: argparse.Namespace) -> int:
    from turnos.servicios.cierre import cerrar_dia

    _, alm = _almacen(args)
    r = cerrar_dia(alm, args.centro, None, tiempo.ahora(), sistema=True)
    print(
        f"Cierre del {r['dia']}: {r['expirados']} turnos expirados, {r['ventanillas_cerradas']} ventanillas cerradas."
    )
    if r.get("finalizados"):
        print(f"{r['finalizados']} turnos en atención se finalizaron.")
    if r.get("aviso"):
        print(f"Aviso: {r['aviso']}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="turnos", description="Turnos: sistema de turnos y métricas de servicio."
    )
    sub = p.add_subparsers(dest="comando", required=True)

    def comando(nombre: str, funcion: Any, ayuda: str, padre: Any = sub) -> argparse.ArgumentParser:
        sp: argparse.ArgumentParser = padre.add_parser(nombre, help=ayuda, description=ayuda)
        sp.add_argument(
            "--db", help="URL de la base de datos (por omisión TURNOS_DB o sqlite:///turnos.db)"
        )
        sp.set_defaults(funcion=funcion)
        return sp

    s = comando("serve", cmd_serve, "Inicia el servidor (aplica migraciones).")
    s.add_argument(
        "--demo",
        action="store_true",
        help="Siembra el centro «demo», imprime credenciales y lo abre a toda hora mientras corre",
    )
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int)
    comando("demo", cmd_demo, "Siembra el centro de demostración «demo».")
    comando("migrar", cmd_migrar, "Aplica las migraciones de la base de datos.")

    centros = sub.add_parser("centros", help="Centros de atención").add_subparsers(
        dest="accion", required=True
    )
    c = comando("crear", cmd_centros_crear, "Crea un centro.", centros)
    c.add_argument("slug")
    c.add_argument("--nombre", required=True)
    c.add_argument("--zona", default="America/Mexico_City")

    from turnos import cli_catalogo  # importar y exportar trámites

    cli_catalogo.registrar(sub, comando)

    us = sub.add_parser("usuarios", help="Cuentas del personal").add_subparsers(
        dest="accion", required=True
    )
    u = comando(
        "crear",
        cmd_usuarios_crear,
        "Crea una cuenta; la contraseña se lee de la entrada estándar.",
        us,
    )
    u.add_argument("usuario")
    u.add_argument(
        "--rol", required=True, choices=["ventanilla", "jefe", "admin", "auditor", "contraloria"]
    )
    u.add_argument("--centro")
    u.add_argument("--nombre")
    uc = comando(
        "contrasena",
        cmd_usuarios_contrasena,
        "Fija la contraseña de una cuenta (se lee de la entrada estándar) y cierra sus sesiones.",
        us,
    )
    uc.add_argument("usuario")
    uc.add_argument(
        "--cambiar-al-entrar", action="store_true", help="Obliga a cambiarla al iniciar sesión"
    )

    tk = sub.add_parser("tokens", help="Tokens personales de API").add_subparsers(
        dest="accion", required=True
    )
    t = comando(
        "crear",
        cmd_tokens_crear,
        "Crea un token personal (se imprime solo en la última línea).",
        tk,
    )
    t.add_argument("--usuario", required=True)
    t.add_argument("--descripcion")

    ds = sub.add_parser("dispositivos", help="Kioscos, pantallas y tabletas").add_subparsers(
        dest="accion", required=True
    )
    d = comando(
        "crear",
        cmd_dispositivos_crear,
        "Registra un dispositivo (su token, solo en la última línea).",
        ds,
    )
    d.add_argument("--tipo", required=True, choices=["kiosco", "pantalla", "tableta"])
    d.add_argument("--centro", required=True)
    d.add_argument("--nombre", required=True)
    d.add_argument("--impresora")
    d.add_argument("--perfil")

    a = comando(
        "auditar", cmd_auditar, "Verifica la bitácora encadenada (sale con 1 si fue alterada)."
    )
    a.add_argument("--centro")
    a.add_argument(
        "--cuentas",
        action="store_true",
        help="Bitácora de cuentas: altas, bajas, roles, contraseñas, tokens y dispositivos",
    )
    ci = comando(
        "cierre", cmd_cierre, "Cierre del día: expira turnos pendientes y cierra ventanillas."
    )
    ci.add_argument("--centro", required=True)
    from turnos import cli_respaldo  # respaldo y restauración

    cli_respaldo.registrar(sub, comando)
    for cap in descubrir():  # comandos de las capacidades (turnos/capacidades.py)
        if cap.cli is not None:
            cap.cli(sub, comando)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.funcion(args))
    except TurnosError as e:
        print(f"Error: {e.mensaje}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

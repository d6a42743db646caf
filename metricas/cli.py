"""Comandos `turnos reporte`, `turnos simular`, `turnos metricas resumir` y `turnos registro
depurar` (los agrega turnos/cli.py con `registrar`)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metricas import consultas, extras, registro, reportes
from turnos import tiempo
from turnos.dominio.numeracion import dia_local
from turnos.errores import EntradaInvalida
from turnos.servicios import consultas as nucleo
from turnos.tiempo import a_ms

if TYPE_CHECKING:
    from jinja2 import Environment


def _fecha(texto: str) -> date:
    try:
        return date.fromisoformat(texto)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{texto}» no es una fecha AAAA-MM-DD") from None


def cmd_reporte(args: argparse.Namespace) -> int:
    from turnos.kit import abrir_almacen

    _, alm = abrir_almacen(args)
    error = reportes.periodo_valido(args.desde, args.hasta)
    if error:
        raise EntradaInvalida(error)
    if args.formato == "xlsx" and not args.salida and sys.stdout.isatty():
        raise EntradaInvalida(
            "Un XLSX es binario y no se escribe en la terminal: indique --salida archivo.xlsx"
            " (o redirija la salida a un archivo)."
        )
    with alm.lectura() as conn:
        c = nucleo.centro(conn, args.centro)
        ahora = tiempo.ahora()
        hoy = dia_local(ahora, c.zona)
        inf = consultas.informe(
            alm.motor, conn, args.centro, args.desde, args.hasta, hoy, a_ms(ahora)
        )
    tablas = {n: reportes.tabla(inf, n) for n in reportes.TABLAS}
    tablas.update(extras.tablas(alm, inf))
    if args.formato == "csv":
        contenido: bytes | str = reportes.a_csv(tablas[args.tabla])
    elif args.formato == "xlsx":
        contenido = reportes.a_xlsx(tablas)
    else:
        contenido = (
            html_evidencia(inf, alm) if args.tabla == "evidencia" else html_tablas(inf, tablas)
        )
    if args.salida:
        destino = Path(args.salida)
        if isinstance(contenido, bytes):
            destino.write_bytes(contenido)
        else:
            destino.write_text(contenido, encoding="utf-8")
        print(f"Reporte de «{args.centro}» del {args.desde} al {args.hasta}: {destino}")
    elif isinstance(contenido, bytes):
        sys.stdout.buffer.write(contenido)
    else:
        sys.stdout.write(contenido)
    return 0


def _entorno() -> Environment:
    from turnos.kit import plantillas

    return plantillas().env


def html_evidencia(inf: consultas.Informe, alm: Any = None) -> str:
    """La evidencia MAS como archivo HTML (sin servidor: el CSS va dentro)."""
    from metricas.evidencia import contexto_evidencia, firma_evidencia

    css = (Path(__file__).parent / "static" / "evidencia.css").read_text(encoding="utf-8")
    html = (
        _entorno()
        .get_template("evidencia.html")
        .render(
            desde=inf.desde,
            hasta=inf.hasta,
            **contexto_evidencia(inf, alm),
            **firma_evidencia(tiempo.ahora(), inf.centro.zona, None),
        )
    )
    enlace = '<link rel="stylesheet" href="/static/metricas/evidencia.css">'
    return html.replace(enlace, f"<style>\n{css}</style>")


def html_tablas(inf: consultas.Informe, tablas: dict[str, list[dict[str, Any]]]) -> str:
    partes = [
        "<!doctype html><html lang='es-MX'><head><meta charset='utf-8'>",
        f"<title>Indicadores · {inf.centro.nombre}</title></head><body>",
        f"<h1>Indicadores · {inf.centro.nombre}</h1>",
        f"<p>Del {inf.desde} al {inf.hasta}.</p>",
    ]
    from markupsafe import escape

    for nombre, filas in tablas.items():
        partes.append(f"<h2>{escape(reportes.TITULOS.get(nombre) or extras.titulo(nombre))}</h2>")
        if not filas:
            partes.append("<p>Sin datos.</p>")
            continue
        formateadas = [reportes.formatear(f) for f in filas]
        cabeza = "".join(f"<th>{escape(reportes.encabezado(c))}</th>" for c in formateadas[0])
        cuerpo = "".join(
            "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in f.values()) + "</tr>"
            for f in formateadas
        )
        partes.append(f"<table border='1'><tr>{cabeza}</tr>{cuerpo}</table>")
    partes.append("</body></html>")
    return "".join(partes)


def cmd_simular(args: argparse.Namespace) -> int:
    from metricas.simular import simular

    r = simular(
        args.url,
        args.centro,
        args.token_kiosco,
        args.token_personal,
        minutos=args.minutos,
        segundos_por_minuto=args.segundos_por_minuto,
        semilla=args.semilla,
    )
    print(
        f"Simulación en «{args.centro}»: {r['emitidos']} emitidos, {r['atendidos']} atendidos,"
        f" {r['ausentes']} ausentes, {r['transferidos']} transferidos."
    )
    return 0


def cmd_registro_depurar(args: argparse.Namespace) -> int:
    from turnos.kit import abrir_almacen

    settings, alm = abrir_almacen(args)
    dias = args.dias or registro.retencion(settings)
    n = registro.depurar(alm, args.centro, tiempo.ahora(), dias)
    print(
        f"Registro de «{args.centro}»: nombre y contacto borrados en {n} tramos de más de {dias} días."
    )
    return 0


def cmd_metricas_resumir(args: argparse.Namespace) -> int:
    from metricas import resumen
    from turnos.kit import abrir_almacen

    error = reportes.periodo_valido(args.desde, args.hasta)
    if error:
        raise EntradaInvalida(error)
    _, alm = abrir_almacen(args)

    def progreso(inicio: date, fin: date, cerrados: int) -> None:
        print(f"  {inicio} a {fin}: {cerrados} días cerrados resumidos", flush=True)

    print(f"Resumiendo «{args.centro}» del {args.desde} al {args.hasta}…", flush=True)
    cerrados, abiertos = resumen.resumir(
        alm, args.centro, args.desde, args.hasta, tiempo.ahora(), progreso
    )
    nota = f"; {abiertos} días aún abiertos se calculan al pedirlos" if abiertos else ""
    print(f"Listo: {cerrados} días resumidos en kpi_dia y /metrics al día{nota}.")
    return 0


def registrar(sub: Any, comando: Any) -> None:
    """Agrega los comandos al parser de `turnos` (ver turnos/cli.py)."""
    from metricas import eta

    eta.registrar(sub, comando, _fecha)
    r = comando("reporte", cmd_reporte, "Indicadores de un periodo (CSV, XLSX o HTML).", sub)
    r.add_argument("--centro", required=True)
    r.add_argument("--desde", required=True, type=_fecha, help="AAAA-MM-DD (día local)")
    r.add_argument("--hasta", required=True, type=_fecha, help="AAAA-MM-DD (inclusive)")
    r.add_argument("--formato", choices=["csv", "xlsx", "html"], default="csv")
    r.add_argument(
        "--tabla",
        choices=[*reportes.TABLAS, *extras.nombres(), "evidencia"],
        default="tramites",
        help="CSV: qué tabla; HTML: «evidencia» da la hoja MAS imprimible",
    )
    r.add_argument("--salida", help="Archivo de salida (por omisión, la salida estándar)")
    s = comando("simular", cmd_simular, "Simula una mañana por la API HTTP real.", sub)
    s.add_argument("--centro", default="demo")
    s.add_argument("--url", default="http://127.0.0.1:8000")
    s.add_argument("--token-kiosco", required=True)
    s.add_argument("--token-personal", required=True, help="Token de un jefe (opera ventanillas)")
    s.add_argument("--minutos", type=int, default=240, help="Minutos simulados de operación")
    s.add_argument("--segundos-por-minuto", type=float, default=0.05, help="Compresión del tiempo")
    s.add_argument("--semilla", type=int, default=1)
    met = sub.add_parser("metricas", help="Resúmenes de métricas").add_subparsers(
        dest="accion", required=True
    )
    m = comando(
        "resumir",
        cmd_metricas_resumir,
        "Resume los días de un periodo (kpi_dia) y la bitácora de /metrics; idempotente.",
        met,
    )
    m.add_argument("--centro", required=True)
    m.add_argument("--desde", required=True, type=_fecha, help="AAAA-MM-DD (día local)")
    m.add_argument("--hasta", required=True, type=_fecha, help="AAAA-MM-DD (inclusive)")
    reg = sub.add_parser("registro", help="Registro de usuarios atendidos").add_subparsers(
        dest="accion", required=True
    )
    d = comando(
        "depurar", cmd_registro_depurar, "Borra nombre y contacto fuera de la retención.", reg
    )
    d.add_argument("--centro", required=True)
    d.add_argument("--dias", type=int, help="Retención en días (por omisión el ajuste)")

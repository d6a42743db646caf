"""Rutas de métricas: /metrics, /tablero/{centro} (+ reportes y su websocket) y datos abiertos.

El núcleo las agrega con `RUTAS`. Usa `app.state`: alm, reloj, plantillas, settings y hub.
"""

from __future__ import annotations

import hmac
import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from metricas import (
    consultas,
    dotacion_web,
    eta_publica,
    extras,
    prometheus,
    registro,
    reportes,
    tablero,
)
from metricas.evidencia import contexto_evidencia, firma_evidencia
from metricas.tablero_ws import servir_tablero
from turnos.dominio.numeracion import dia_local
from turnos.errores import EntradaInvalida, NoAutenticado, TurnosError
from turnos.kit import actor, registrar_conexion, render
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import consultas as nucleo
from turnos.tiempo import a_ms

TIPO_PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


# -- /metrics -------------------------------------------------------------------------------


async def metrics(request: Request) -> Response:
    """Texto de exposición Prometheus. Con `metricas_token` configurado exige ese Bearer."""
    token = str(getattr(request.app.state.settings, "metricas_token", "") or "")
    if token:
        enviado = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(enviado.encode(), token.encode()):
            return Response("no autorizado\n", status_code=401, media_type="text/plain")
    exp = prometheus.exportador_de(request.app)
    cuerpo = await run_in_threadpool(exp.texto)
    return Response(cuerpo, media_type=TIPO_PROMETHEUS)


# -- autorización de páginas ----------------------------------------------------------------


def _centro_id(alm: Any, slug: str) -> int:
    with alm.lectura() as conn:
        return nucleo.centro(conn, slug).id


async def _autorizado(request: Request, permiso: Permiso) -> Actor | Response:
    """El actor con `permiso` en el centro; un navegador sin sesión va a /login."""
    slug = request.path_params["centro"]
    quien = await actor(request)
    if quien is None:
        if "text/html" in request.headers.get("accept", ""):
            destino = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?siguiente={quote(destino)}", status_code=303)
        raise NoAutenticado("Inicie sesión o envíe un token válido (Authorization: Bearer …).")
    cid = await run_in_threadpool(_centro_id, request.app.state.alm, slug)
    return exigir(quien, permiso, cid)


FECHA_MINIMA, FECHA_MAXIMA = date(2000, 1, 1), date(2100, 12, 31)


def _fecha(valor: str | None, defecto: date) -> date:
    if not valor:
        return defecto
    try:
        fecha = date.fromisoformat(valor)
    except ValueError:
        raise EntradaInvalida(f"«{valor}» no es una fecha AAAA-MM-DD.") from None
    if not FECHA_MINIMA <= fecha <= FECHA_MAXIMA:  # y la aritmética de periodos no desborda
        raise EntradaInvalida(
            f"La fecha debe estar entre {FECHA_MINIMA.isoformat()} y {FECHA_MAXIMA.isoformat()}."
        )
    return fecha


def _centro_y_hoy(request: Request, slug: str) -> tuple[str, date]:
    """Nombre del centro (para los títulos) y su día local de hoy."""
    with request.app.state.alm.lectura() as conn:
        c = nucleo.centro(conn, slug)
    return c.nombre, dia_local(request.app.state.reloj(), c.zona)


def _informe(request: Request, slug: str, desde: date, hasta: date) -> consultas.Informe:
    alm = request.app.state.alm
    ahora = request.app.state.reloj()
    with alm.lectura() as conn:
        hoy = dia_local(ahora, nucleo.centro(conn, slug).zona)
        return consultas.informe(alm.motor, conn, slug, desde, hasta, hoy, a_ms(ahora))


# -- tablero --------------------------------------------------------------------------------


async def pagina_tablero(request: Request) -> Response:
    quien = await _autorizado(request, Permiso.VER_TABLERO)
    if isinstance(quien, Response):
        return quien
    slug = request.path_params["centro"]
    app = request.app
    datos = await run_in_threadpool(tablero.estado, app.state.alm, slug, app.state.reloj())
    return render(
        request,
        "tablero.html",
        {
            "usuario": quien,
            "t": datos,
            "inicial": json.dumps(datos, ensure_ascii=False),
            "url_ws": f"/ws/tablero/{quote(slug)}",
        },
    )


async def ws_tablero(websocket: WebSocket) -> None:
    slug = websocket.path_params["centro"]
    app = websocket.app
    quien = await actor(websocket, permitir_query=True)
    try:
        cid = await run_in_threadpool(_centro_id, app.state.alm, slug)
        exigir(quien, Permiso.VER_TABLERO, cid)
    except Exception:  # noqa: BLE001 - sin permiso o centro inexistente: se rechaza igual
        await websocket.close(code=1008)
        return
    hub = getattr(app.state, "hub", None)
    if hub is None:
        await websocket.close(code=1011)
        return
    await websocket.accept()
    registrar_conexion(websocket)  # revocar la sesión o el token la cierra
    await servir_tablero(
        websocket, hub, slug, lambda: tablero.estado(app.state.alm, slug, app.state.reloj())
    )


# -- reportes -------------------------------------------------------------------------------


async def pagina_reportes(request: Request) -> Response:
    quien = await _autorizado(request, Permiso.VER_TABLERO)
    if isinstance(quien, Response):
        return quien
    slug = request.path_params["centro"]
    q = request.query_params
    nombre_centro, hoy = await run_in_threadpool(_centro_y_hoy, request, slug)
    desde = _fecha(q.get("desde"), hoy.replace(day=1))
    hasta = _fecha(q.get("hasta"), hoy)
    error = reportes.periodo_valido(desde, hasta)
    if error:
        raise EntradaInvalida(error)
    vista, formato = q.get("vista", ""), q.get("formato", "html")
    if formato not in ("html", "csv", "xlsx"):
        raise EntradaInvalida("Formato no válido; use html, csv o xlsx.")
    base = {
        "usuario": quien,
        "centro": slug,
        "nombre_centro": nombre_centro,
        "desde": desde,
        "hasta": hasta,
        "tablas_extra": [(t.nombre, t.titulo) for t in extras.declaradas()],
    }
    nombre = f"{slug}_{desde.isoformat()}_{hasta.isoformat()}"
    if vista == "registro":
        return await _registro(request, quien, slug, desde, hasta, formato, nombre, base)
    if not vista:
        return render(
            request,
            "reportes.html",
            {**base, "puede_registro": quien.puede(Permiso.VER_REGISTRO), "tablas": None},
        )
    inf = await run_in_threadpool(_informe, request, slug, desde, hasta)
    if vista == "evidencia":
        # La evidencia es una página imprimible: no hay CSV/XLSX de ella, y se dice en lugar de
        # cambiar de formato en silencio.
        aviso = (
            "La evidencia MAS solo se genera en pantalla: imprímala o guárdela como PDF desde el "
            "navegador. Para Excel o CSV elija el reporte «Indicadores»."
            if formato != "html"
            else ""
        )
        alm = request.app.state.alm
        contexto = await run_in_threadpool(contexto_evidencia, inf, alm)
        firma = firma_evidencia(request.app.state.reloj(), inf.centro.zona, quien)
        return render(request, "evidencia.html", {**base, **contexto, **firma, "aviso": aviso})
    tablas = {n: reportes.tabla(inf, n) for n in reportes.TABLAS}
    tablas.update(await run_in_threadpool(extras.tablas, request.app.state.alm, inf))
    if formato == "csv":
        cual = q.get("tabla", "tramites")
        if cual not in tablas:
            raise EntradaInvalida(f"Tabla no válida; use {', '.join(tablas)}.")
        return _descarga(reportes.a_csv(tablas[cual]).encode("utf-8-sig"), f"{nombre}_{cual}.csv")
    if formato == "xlsx":
        return _descarga(reportes.a_xlsx(tablas), f"{nombre}.xlsx")
    return render(
        request,
        "reportes.html",
        {
            **base,
            "puede_registro": quien.puede(Permiso.VER_REGISTRO),
            "tablas": [
                (
                    reportes.TITULOS.get(n) or extras.titulo(n),
                    [reportes.encabezado(c) for c in (filas[0] if filas else [])],
                    [list(reportes.formatear(f).values()) for f in filas],
                )
                for n, filas in tablas.items()
            ],
        },
    )


async def _registro(
    request: Request,
    quien: Actor,
    slug: str,
    desde: date,
    hasta: date,
    formato: str,
    nombre: str,
    base: dict[str, Any],
) -> Response:
    app = request.app
    filas = await run_in_threadpool(
        registro.exportar,
        app.state.alm,
        slug,
        quien,
        desde,
        hasta,
        app.state.reloj(),
        registro.retencion(app.state.settings),
    )
    if formato == "csv":
        texto = reportes.a_csv(filas, registro.COLUMNAS)
        return _descarga(texto.encode("utf-8-sig"), f"{nombre}_registro.csv", privado=True)
    if formato == "xlsx":
        return _descarga(reportes.a_xlsx({"registro": filas}), f"{nombre}_registro.xlsx", True)
    return render(request, "registro.html", {**base, "filas": filas})


_TIPOS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _descarga(cuerpo: bytes, archivo: str, privado: bool = False) -> Response:
    cabeceras = {"Content-Disposition": f'attachment; filename="{archivo}"'}
    if privado:
        cabeceras["Cache-Control"] = "no-store"
    return Response(cuerpo, media_type=_TIPOS[archivo.rsplit(".", 1)[1]], headers=cabeceras)


# -- datos abiertos -------------------------------------------------------------------------


def _periodo_abierto(request: Request, hoy: date) -> tuple[date, date]:
    ayer = hoy - timedelta(days=1)
    q = request.query_params
    pedido_hasta = _fecha(q.get("hasta"), ayer)
    hasta = min(pedido_hasta, ayer)  # solo días cerrados
    desde = _fecha(q.get("desde"), hasta - timedelta(days=29))
    if desde > ayer:
        raise EntradaInvalida(
            f"Los datos abiertos se publican solo para días ya cerrados: el {desde.isoformat()}"
            f" {'es hoy y aún no termina' if desde == hoy else 'aún no llega'}. El último día"
            f" disponible es el {ayer.isoformat()}."
        )
    error = reportes.periodo_valido(desde, pedido_hasta if pedido_hasta < desde else hasta)
    if error:
        raise EntradaInvalida(error)
    return desde, hasta


def _datos_abiertos(
    request: Request, slug: str
) -> tuple[str, date, date, list[dict[str, Any]], dict[str, list[dict[str, Any]]], date]:
    nombre, hoy = _centro_y_hoy(request, slug)
    desde, hasta = _periodo_abierto(request, hoy)
    inf = _informe(request, slug, desde, hasta)
    return (
        nombre,
        desde,
        hasta,
        reportes.datos_abiertos(inf),
        {
            **extras.datos_abiertos(request.app.state.alm, inf),
            # Publicamos la exactitud de nuestra propia espera estimada (back-test por día).
            eta_publica.TABLA: eta_publica.por_dia(request.app.state.alm, slug, desde, hasta),
        },
        hoy - timedelta(days=1),
    )


async def datos_abiertos(request: Request) -> Response:
    slug = request.path_params["centro"]
    extension = request.path_params.get("extension")
    try:
        nombre, desde, hasta, filas, otras, ultimo = await run_in_threadpool(
            _datos_abiertos, request, slug
        )
    except TurnosError as exc:
        # Quien pide .json/.csv es un programa: el error va en su formato, no en una página HTML.
        if extension == "json":
            return JSONResponse({"error": exc.codigo, "mensaje": exc.mensaje}, exc.status)
        if extension == "csv":
            return Response(
                f"error: {exc.codigo}\n{exc.mensaje}\n",
                status_code=exc.status,
                media_type="text/plain; charset=utf-8",
            )
        raise
    if extension == "csv":
        cual = request.query_params.get("tabla", "")
        if cual:  # las tablas agregadas de otras capacidades (citas, encuestas, buzón…)
            if cual not in otras:
                raise EntradaInvalida(f"Tabla no válida; use {', '.join(otras) or 'ninguna'}.")
            return _descarga(reportes.a_csv(otras[cual]).encode(), f"{slug}_{cual}.csv")
        return _descarga(
            reportes.a_csv(filas, [c for c, _ in reportes.DICCIONARIO]).encode(),
            f"{slug}_datos_abiertos.csv",
        )
    if extension == "json":
        return JSONResponse(
            {
                "centro": slug,
                "desde": desde.isoformat(),
                "hasta": hasta.isoformat(),
                "diccionario": dict(reportes.DICCIONARIO),
                "datos": filas,
                "agregados": otras,
            }
        )
    if extension is not None:
        raise EntradaInvalida("Formato no válido; use .csv o .json.")
    return render(
        request,
        "datos_abiertos.html",
        {
            "centro": slug,
            "nombre_centro": nombre,
            "desde": desde,
            "hasta": hasta,
            "diccionario": reportes.DICCIONARIO,
            "filas": len(filas),
            "minimo": reportes.MINIMO_TIEMPOS,
            "otras": [
                (n, extras.titulo(n) or eta_publica.TITULOS.get(n, n), len(f))
                for n, f in otras.items()
            ],
            "ultimo": ultimo,
        },
    )


RUTAS: list[Any] = [
    Route("/metrics", metrics, methods=["GET"]),
    Route("/tablero/{centro}", pagina_tablero, methods=["GET"]),
    Route("/tablero/{centro}/reportes", pagina_reportes, methods=["GET"]),
    Route("/datos-abiertos/{centro}.{extension}", datos_abiertos, methods=["GET"]),
    Route("/datos-abiertos/{centro}", datos_abiertos, methods=["GET"]),
    WebSocketRoute("/ws/tablero/{centro}", ws_tablero),
    *dotacion_web.RUTAS,
]

"""Páginas del personal: inicio, /ventanilla (formularios + PRG; JS solo para atajos) y lo que
comparten todas (avisos, render, exigir sesión). Entrar, salir y la cuenta: `acceso.py`."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from turnos.db.almacen import Almacen
from turnos.dominio.horario import texto_horario
from turnos.enteros import entero
from turnos.errores import TurnosError
from turnos.permisos import Actor, Permiso
from turnos.servicios import (
    atencion,
    catalogo,
    consultas,
    intentos,
    vistas,
)
from turnos.tiempo import a_ms
from turnos.web import mostrador, ventanilla_vivo
from turnos.web.api import ejecutar_accion
from turnos.web.auth import actor, csrf_token, verificar_csrf
from turnos.web.entrada import formulario

log = logging.getLogger(__name__)


def avisar(request: Request, tipo: str, texto_: str) -> None:
    request.session.setdefault("avisos", []).append({"tipo": tipo, "texto": texto_})


def tomar_avisos(request: Request) -> list[dict[str, str]]:
    avisos: list[dict[str, str]] = request.session.pop("avisos", [])
    return avisos


def render(
    request: Request, plantilla: str, contexto: dict[str, Any], status: int = 200
) -> Response:
    base = {
        "csrf": csrf_token(request),
        "avisos": tomar_avisos(request),
        "usuario": contexto.pop("usuario", None),
    }
    plantillas: Jinja2Templates = request.app.state.plantillas
    return plantillas.TemplateResponse(request, plantilla, {**base, **contexto}, status_code=status)


async def usuario_o_login(
    request: Request, *, permitir_cambio_pendiente: bool = False, siguiente: str | None = None
) -> Actor | Response:
    quien = await actor(request)
    if quien is None or quien.tipo != "usuario":
        volver = quote(siguiente or request.url.path, safe="/")
        # Un POST sin sesión vigente no hizo nada: el login lo dice (no se pierde en silencio).
        aviso = f"&aviso={ventanilla_vivo.EXPIRO}" if request.method == "POST" else ""
        return RedirectResponse(f"/login?siguiente={volver}{aviso}", status_code=303)
    if request.session.get("cambiar") and not permitir_cambio_pendiente:
        return RedirectResponse("/cuenta", status_code=303)  # contraseña restablecida
    return quien


def centro_de(request: Request, quien: Actor) -> str | None:
    """El centro sobre el que trabaja: el suyo, o el elegido por un usuario estatal."""

    def primero() -> str | None:
        alm: Almacen = request.app.state.alm
        with alm.lectura() as conn:
            if quien.centro_id is not None:
                return conn.execute(
                    text("SELECT slug FROM centro WHERE id = :c"), {"c": quien.centro_id}
                ).scalar()
            return conn.execute(
                text("SELECT slug FROM centro WHERE activo = true ORDER BY id LIMIT 1")
            ).scalar()

    if quien.centro_id is None:
        elegido = request.query_params.get("centro") or request.session.get("centro")
        if elegido:
            return str(elegido)
    return primero()


async def inicio(request: Request) -> Response:
    def centros() -> list[Any]:
        with request.app.state.alm.lectura() as conn:
            return list(
                conn.execute(
                    text("SELECT slug, nombre FROM centro WHERE activo = true ORDER BY nombre")
                )
            )

    return render(request, "inicio.html", {"centros": await run_in_threadpool(centros)})


def _datos_ventanilla(
    alm: Any, slug: str, numero: int | None, quien: Actor, ms: int
) -> dict[str, Any]:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        vents = [v for v in catalogo.listar_ventanillas(conn, c.id) if v["activo"]]
        esperando = consultas.cola(conn, c.id)
        tramites = catalogo.listar_tramites(conn, c.id)
        elegida = next((v for v in vents if v["numero"] == numero), None)
        actual = None
        extra: dict[str, Any] = {}
        if elegida is not None:
            tid = atencion.turno_actual(conn, elegida["id"])
            actual = vistas.turno_staff(conn, tid, c.zona) if tid else None
            extra = mostrador.datos(conn, c, elegida, tid, quien, ms)
    return {
        **extra,
        "centro": c,
        "horario_texto": texto_horario(c.horario),
        "ventanillas": vents,
        "elegida": elegida,
        "actual": actual,
        "cola": [
            {
                "clave": t["clave"],
                "nombre": t["nombre"],
                "esperando": esperando.get(t["clave"], 0),
                "mia": elegida is not None and t["clave"] in elegida["tramites"],
            }
            for t in tramites
        ],
        "tramites": tramites,
        "puede_admin": quien.puede(Permiso.ADMINISTRAR, c.id),
        # La misma regla que el servicio: liberar la ventanilla de otra persona (jefe/admin).
        "puede_liberar": quien.puede(Permiso.OPERAR_CUALQUIERA, c.id),
    }


async def _numero_del_post(request: Request) -> str | None:
    """Con la sesión vencida, a qué ventanilla volver tras iniciar sesión (la del formulario)."""
    if request.method != "POST":
        return None
    try:
        numero = entero((await formulario(request)).get("numero"), "ventanilla", minimo=0)
    except TurnosError:
        return None
    return f"/ventanilla?numero={numero}"


async def _a_login(request: Request, siguiente: str) -> Response:
    r = await usuario_o_login(request, siguiente=siguiente)
    return r if isinstance(r, Response) else RedirectResponse(siguiente, status_code=303)


async def ventanilla(request: Request) -> Response:
    quien = await usuario_o_login(request)
    if isinstance(quien, Response):
        volver = await _numero_del_post(request)
        return await _a_login(request, volver) if volver else quien
    if not quien.puede(Permiso.OPERAR):
        return render(
            request,
            "error.html",
            {"status": 403, "mensaje": "Su rol no opera ventanillas.", "usuario": quien},
            403,
        )
    slug = await run_in_threadpool(centro_de, request, quien)  # lee la BD: fuera del bucle
    if slug is None:
        return render(
            request,
            "error.html",
            {"status": 404, "mensaje": "No hay centros configurados.", "usuario": quien},
            404,
        )
    if request.method == "POST":
        return await _accion(request, quien, slug)
    numero = request.session.get("ventanilla")
    try:  # ?numero=N: volver a SU ventanilla tras iniciar sesión (solo si la atiende)
        if "numero" in request.query_params:
            numero = entero(request.query_params["numero"], "ventanilla", minimo=0)
    except TurnosError:
        pass
    alm = request.app.state.alm
    ms = a_ms(request.app.state.reloj())
    datos = await run_in_threadpool(_datos_ventanilla, alm, slug, numero, quien, ms)
    if datos["elegida"] is not None and datos["elegida"]["usuario_id"] != quien.id:
        if numero == request.session.get("ventanilla"):
            request.session.pop("ventanilla", None)  # la cerró el cierre del día u otra persona
        datos["elegida"] = datos["actual"] = None
    elif datos["elegida"] is not None:
        request.session["ventanilla"] = numero
    cola = await run_in_threadpool(
        ventanilla_vivo.datos_cola,
        alm,
        datos["centro"],
        datos["elegida"],
        datos["actual"] is not None,
        ms,
    )
    contexto = {**datos, **cola, "intento": intentos.nuevo, "usuario": quien}
    return render(request, "ventanilla.html", contexto)


async def _accion(request: Request, quien: Actor, slug: str) -> Response:
    form = await formulario(request)
    verificar_csrf(request, str(form.get("csrf", "")))
    accion = str(form.get("accion", ""))
    try:
        numero = entero(form.get("numero"), "ventanilla", minimo=0)
    except TurnosError:
        avisar(request, "error", "Elija una ventanilla.")
        return RedirectResponse("/ventanilla", status_code=303)
    datos = {
        k: str(v)
        for k, v in form.items()
        if k
        in ("motivo", "folio", "tramite", "nombre", "contacto")
        + ("ventanilla", "usuario", "posicion", "resultado")
    }
    alm, ahora = request.app.state.alm, request.app.state.reloj()
    try:
        intento = str(form.get("intento", ""))
        nuevo, r = await alm.escribir(
            _reclamar_y_ejecutar, alm, slug, quien, numero, intento, accion, ahora, datos
        )
        if not nuevo:  # doble pulso o reenvío: ya se hizo una vez, no se repite ni se muestra
            avisar(request, "ok", "Esa acción ya se había enviado; no se repitió.")
        elif accion == "salir":
            request.session.pop("ventanilla", None)
            avisar(request, "ok", f"Ventanilla {numero} cerrada.")
        else:
            if accion == "abrir":
                request.session["ventanilla"] = numero
            avisar(request, "ok", _mensaje(accion, r))
    except TurnosError as e:
        avisar(request, "error", e.mensaje)
    return RedirectResponse("/ventanilla", status_code=303)


def _reclamar_y_ejecutar(
    alm: Almacen,
    slug: str,
    quien: Actor,
    numero: int,
    intento: str,
    accion: str,
    ahora: datetime,
    datos: dict[str, Any],
) -> tuple[bool, dict[str, Any] | None]:
    """En el escritor (issue 14), en un solo viaje: reclama el intento (su propia transacción) y,
    si es nuevo, hace la acción. Devuelve (nuevo, resultado)."""
    if intento and not intentos.reclamar(alm, slug, quien, numero, intento, accion, a_ms(ahora)):
        return False, None
    if accion == "salir":
        return True, ejecutar_accion(alm, slug, numero, "cerrar", quien, ahora, {})
    return True, ejecutar_accion(alm, slug, numero, accion, quien, ahora, datos)


def _mensaje(accion: str, r: dict[str, Any] | None) -> str:
    if accion == "llamar":
        return "Nadie espera por ahora." if r is None else f"Turno {r['folio']} llamado."
    if accion == "abrir" and r and r.get("continuar"):
        return f"Continúa en {r['nombre']}."
    if accion == "liberar" and r:
        return f"{r['nombre']} liberada."
    folio = (r or {}).get("folio", "")
    return {
        "abrir": "Ventanilla abierta.",
        "pausar": "Ventanilla en pausa.",
        "rellamar": f"Turno {folio} llamado de nuevo.",
        "iniciar": f"Atención de {folio} iniciada.",
        "finalizar": f"Turno {folio} finalizado.",
        "ausente": f"Turno {folio} marcado ausente.",
        "transferir": f"Turno {folio} transferido.",
        "reincorporar": f"Turno {folio} de vuelta en la fila: llámelo cuando se acerque.",
        "registrar": "Datos registrados.",
    }.get(accion, "Hecho.")


async def tablero(request: Request) -> Response:
    """/tablero: lleva al tablero del centro de quien entra (o al primero, si es estatal)."""
    quien = await usuario_o_login(request)
    if isinstance(quien, Response):
        return quien
    slug = await run_in_threadpool(centro_de, request, quien)
    return RedirectResponse(f"/tablero/{slug}" if slug else "/", status_code=303)


async def favicon(request: Request) -> Response:
    # Los navegadores lo piden siempre; el ícono real va en <link rel="icon"> (SVG).
    return RedirectResponse("/static/icono.svg", status_code=301)


RUTAS = [
    Route("/", inicio, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
    Route("/tablero", tablero, methods=["GET"]),
    Route("/ventanilla", ventanilla, methods=["GET", "POST"]),
    *ventanilla_vivo.RUTAS,
]

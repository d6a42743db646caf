"""Páginas públicas /citas (centro → trámite → día → hora → datos) y /citas/{token}.

Sin JavaScript: cada paso es una lista de enlaces (días y horas como texto, no una cuadrícula de
calendario) que un lector de pantalla recorre bien; los formularios usan CSRF de la sesión.
La hora es siempre la del centro, nunca la del navegador.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from citas import catalogo, lecturas, reservas, vista
from citas.agenda import dia_local
from citas.limites import espera
from citas.servicio import despertar
from citas.web import url_publica
from turnos.errores import TurnosError
from turnos.kit import avisar, nucleo, render, verificar_csrf
from turnos.servicios import consultas
from turnos.tiempo import texto_dia

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
APARTADO = "citas_apartado"  # token del apartado de esta sesión (uno a la vez)
CABECERAS = {"Content-Security-Policy": CSP, "Cache-Control": "no-store"}


def _pagina(
    request: Request, plantilla: str, contexto: dict[str, Any], status: int = 200
) -> Response:
    respuesta = render(request, plantilla, contexto, status)
    respuesta.headers.update(CABECERAS)
    return respuesta


def _aviso(request: Request, titulo: str, mensaje: str, status: int) -> Response:
    contexto = {"titulo": titulo, "error": mensaje, "opciones": [], "atras": "/citas"}
    return _pagina(request, "citas_elegir.html", contexto, status)


def _url(**params: str) -> str:
    return "/citas?" + urlencode(params)


def _disponibles(alm: Any, centro: str, tramite: str, ahora: datetime) -> dict[str, Any]:
    """Disponibilidad de hoy (hora del centro) hasta el horizonte de la agenda."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro)
        agenda = lecturas.agenda(conn, consultas.tramite(conn, c.id, tramite).id)
    hoy = dia_local(ahora, c.zona)
    hasta = hoy + timedelta(days=min(agenda.horizonte_dias, 92))
    return reservas.disponibilidad(alm, centro, tramite, hoy, hasta, ahora)


def _texto_dia(fecha: str) -> str:
    try:
        return texto_dia(datetime.fromisoformat(fecha))
    except ValueError:
        return ""


async def elegir(request: Request) -> Response:
    """Un paso por vez según lo que ya eligió: centro, trámite, día, hora."""
    q = request.query_params
    centro, tramite, dia, inicio = (
        q.get(k, "")[:60] for k in ("centro", "tramite", "dia", "inicio")
    )
    alm = nucleo(request).alm
    try:
        if not centro:
            centros = await run_in_threadpool(catalogo.centros, alm)
            opciones = [{"href": _url(centro=c["slug"]), "texto": c["nombre"]} for c in centros]
            return _pagina(
                request,
                "citas_elegir.html",
                {"paso": 1, "titulo": "¿En qué centro?", "opciones": opciones, "atras": None},
            )
        if not tramite:
            c, tramites = await run_in_threadpool(catalogo.tramites, alm, centro)
            opciones = [
                {
                    "href": _url(centro=centro, tramite=t["clave"]),
                    "texto": t["nombre"],
                    "detalle": " · ".join(
                        x for x in (t["costo"] and f"Costo: {t['costo']}", t["descripcion"]) if x
                    ),
                    "requisitos": t["requisitos"],
                }
                for t in tramites
            ]
            return _pagina(
                request,
                "citas_elegir.html",
                {
                    "paso": 2,
                    "titulo": "¿Qué trámite?",
                    "subtitulo": c.nombre,
                    "opciones": opciones,
                    "atras": "/citas",
                },
            )
        disp = await run_in_threadpool(_disponibles, alm, centro, tramite, nucleo(request).ahora())
        if not dia:
            opciones = [
                {"href": _url(centro=centro, tramite=tramite, dia=d["fecha"]), **d}
                for d in vista.dias(disp["horarios"])
            ]
            return _pagina(
                request,
                "citas_elegir.html",
                {
                    "paso": 3,
                    "titulo": "¿Qué día?",
                    "opciones": opciones,
                    "vacio": "Por ahora no hay lugares; vuelva a consultar mañana.",
                    "atras": _url(centro=centro),
                },
            )
        if not inicio:
            opciones = [
                {"href": _url(centro=centro, tramite=tramite, dia=dia, inicio=h["inicio"]), **h}
                for h in vista.horas(disp["horarios"], dia)
            ]
            return _pagina(
                request,
                "citas_elegir.html",
                {
                    "paso": 4,
                    "titulo": "¿A qué hora?",
                    "subtitulo": f"{_texto_dia(dia)} · hora del centro",
                    "opciones": opciones,
                    "vacio": "Ese día ya no tiene lugares; elija otro.",
                    "atras": _url(centro=centro, tramite=tramite),
                },
            )
        if (segundos := espera(request, "apartado")) is not None:
            return _demasiadas(request, segundos)
        apartado = await run_in_threadpool(
            reservas.apartar,
            alm,
            centro,
            tramite,
            inicio,
            nucleo(request).ahora(),
            request.session.get(APARTADO),
        )
        request.session[APARTADO] = apartado["apartado"]
        politica = await run_in_threadpool(catalogo.politica_inasistencias, alm, centro)
        datos = {"politica": politica, "apartado_hasta": apartado["expira"][11:16]}
        return _formulario(request, centro, tramite, inicio, datos)
    except TurnosError as e:
        return _aviso(request, "No disponible", e.mensaje, e.status)


def _formulario(
    request: Request,
    centro: str,
    tramite: str,
    inicio: str,
    datos: dict[str, str],
    error: str = "",
    status: int = 200,
) -> Response:
    return _pagina(
        request,
        "citas_datos.html",
        {
            "paso": 5,
            "centro": centro,
            "tramite": tramite,
            "inicio": inicio,
            "cuando": _texto_fecha_hora(inicio),
            "datos": datos,
            "error": error,
            "atras": _url(centro=centro, tramite=tramite, dia=inicio[:10]),
        },
        status,
    )


def _texto_fecha_hora(inicio: str) -> str:
    try:
        return vista.texto_fecha_hora(inicio)
    except ValueError:
        return ""


def _demasiadas(request: Request, segundos: int) -> Response:
    mensaje = f"Demasiadas solicitudes seguidas; intente de nuevo en {segundos} segundos."
    respuesta = _aviso(request, "Espere un momento", mensaje, 429)
    respuesta.headers["Retry-After"] = str(segundos)
    return respuesta


async def reservar(request: Request) -> Response:
    form = await request.form()
    verificar_csrf(request, str(form.get("csrf", "")))
    datos = {
        k: str(form.get(k, ""))[:300]
        for k in ("centro", "tramite", "inicio", "nombre", "curp", "correo", "telefono")
    }
    if (segundos := espera(request, "reserva")) is not None:
        return _demasiadas(request, segundos)
    ctx = nucleo(request)
    try:
        cita = await run_in_threadpool(
            lambda: reservas.crear(
                ctx.alm,
                datos["centro"],
                dict(datos),
                ctx.ahora(),
                url_publica(request),
                apartado=request.session.get(APARTADO),
            )
        )
    except TurnosError as e:
        sin_curp = {k: v for k, v in datos.items() if k != "curp"}
        sin_curp["politica"] = await run_in_threadpool(
            catalogo.politica_inasistencias, ctx.alm, datos["centro"]
        )
        return _formulario(
            request,
            datos["centro"],
            datos["tramite"],
            datos["inicio"],
            sin_curp,
            e.mensaje,
            e.status,
        )
    request.session.pop(APARTADO, None)
    despertar(request.app)
    return RedirectResponse(f"/citas/{cita['token']}?nueva=1", status_code=303)


async def gestionar(request: Request) -> Response:
    token = request.path_params["token"]
    ctx = nucleo(request)
    try:
        cita = await run_in_threadpool(reservas.estado, ctx.alm, token)
    except TurnosError as e:
        return _aviso(request, "Cita no encontrada", e.mensaje, e.status)
    dia = request.query_params.get("dia", "")[:10]
    contexto: dict[str, Any] = {
        "cita": cita,
        "token": token,
        "nueva": request.query_params.get("nueva") == "1",
        "estado_texto": vista.ESTADOS.get(cita["estado"], cita["estado"]),
        "cuando": vista.texto_fecha_hora(cita["inicio"]),
        "qr": vista.qr_svg(cita["folio"]),
        "activa": cita["estado"] == "agendada",
        "dias": [],
        "horas": [],
        "dia": dia,
        "confirmar_cancelar": request.query_params.get("cancelar") == "1",
    }
    if contexto["activa"] and request.query_params.get("cambiar") == "1":
        disp = await run_in_threadpool(
            _disponibles, ctx.alm, cita["centro"], cita["tramite"], ctx.ahora()
        )
        if dia:
            contexto["horas"] = vista.horas(disp["horarios"], dia)
        else:
            contexto["dias"] = vista.dias(disp["horarios"])
    return _pagina(request, "citas_cita.html", contexto)


async def _accion(request: Request, accion: str) -> Response:
    form = await request.form()
    verificar_csrf(request, str(form.get("csrf", "")))
    token = request.path_params["token"]
    if (segundos := espera(request, "reserva")) is not None:
        return _demasiadas(request, segundos)
    if accion == "cancelar" and form.get("confirmar") != "1":
        # sin JavaScript: el primer botón lleva a la pregunta; solo «Sí, cancelar» cancela
        return RedirectResponse(f"/citas/{token}?cancelar=1#t-cancelar", status_code=303)
    ctx = nucleo(request)
    try:
        if accion == "cancelar":
            await run_in_threadpool(
                reservas.cancelar, ctx.alm, token, ctx.ahora(), url_publica(request)
            )
            texto = "Su cita quedó cancelada y su lugar se liberó."
        else:
            await run_in_threadpool(
                reservas.reprogramar,
                ctx.alm,
                token,
                str(form.get("inicio", "")),
                ctx.ahora(),
                url_publica(request),
            )
            texto = "Su cita cambió de horario. Descargue de nuevo el archivo de calendario."
        avisar(request, "ok", texto)
        despertar(request.app)
    except TurnosError as e:
        avisar(request, "error", e.mensaje)
    return RedirectResponse(f"/citas/{token}", status_code=303)


async def cancelar(request: Request) -> Response:
    return await _accion(request, "cancelar")


async def reprogramar(request: Request) -> Response:
    return await _accion(request, "reprogramar")


async def aviso(request: Request) -> Response:
    return _pagina(request, "citas_aviso.html", {})


RUTAS: list[Any] = [
    Route("/citas", elegir, methods=["GET"]),
    Route("/citas", reservar, methods=["POST"]),
    Route("/citas/aviso-de-privacidad", aviso, methods=["GET"]),
    Route("/citas/{token}", gestionar, methods=["GET"]),
    Route("/citas/{token}/cancelar", cancelar, methods=["POST"]),
    Route("/citas/{token}/reprogramar", reprogramar, methods=["POST"]),
]

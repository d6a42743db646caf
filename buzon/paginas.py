"""Páginas públicas: /buzon/{centro} (teléfono y kiosco; sin JavaScript) y /buzon/seguimiento
(folio y clave viajan en el cuerpo del formulario, nunca en la URL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from buzon import casos, reglas
from buzon.limites import TRAMPA, espera
from buzon.servicio import despertar
from turnos.errores import EntradaInvalida, TurnosError
from turnos.kit import formulario, nucleo, render, verificar_csrf
from turnos.servicios import consultas

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
CABECERAS = {"Content-Security-Policy": CSP, "Cache-Control": "no-store"}
AVISO_PRIVACIDAD = (
    "Usamos sus datos de contacto solo para responderle sobre este caso; no son obligatorios. "
    "Una denuncia puede ser anónima: su folio y su clave son la única forma de darle seguimiento. "
    "Quien atiende una denuncia no ve quién la hizo."
)


def _pagina(request: Request, plantilla: str, ctx: dict[str, Any], status: int = 200) -> Response:
    r = render(request, plantilla, {"aviso_privacidad": AVISO_PRIVACIDAD, **ctx}, status)
    r.headers.update(CABECERAS)
    return r


def _centro_y_asuntos(alm: Any, slug: str) -> tuple[Any, list[dict[str, str]]]:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        asuntos = [
            {"clave": a.clave, "nombre": a.nombre}
            for a in conn.execute(
                text(
                    "SELECT clave, nombre FROM buzon_asunto WHERE centro_id = :c"
                    " ORDER BY orden, nombre"
                ),
                {"c": c.id},
            )
        ]
    return c, asuntos


def _contexto(
    request: Request, c: Any, asuntos: list[dict[str, str]], **extra: Any
) -> dict[str, Any]:
    kiosco = request.query_params.get("kiosco") == "1" or extra.pop("kiosco", False)
    return {
        "centro": c,
        "asuntos": asuntos,
        "tipos": [
            {"clave": k, "nombre": v, "dias": reglas.SLA_DIAS[k]} for k, v in reglas.TIPOS.items()
        ],
        "kiosco": kiosco,
        "trampa": TRAMPA,
        "valores": {
            "turno": request.query_params.get("turno", "")[:12],
            **extra.pop("valores", {}),
        },
        **extra,
    }


async def formulario_buzon(request: Request) -> Response:
    alm = nucleo(request).alm
    c, asuntos = await run_in_threadpool(_centro_y_asuntos, alm, request.path_params["centro"])
    return _pagina(request, "buzon_formulario.html", _contexto(request, c, asuntos))


async def enviar(request: Request) -> Response:
    ctx = nucleo(request)
    form = await formulario(request)
    verificar_csrf(request, form.get("csrf"))  # type: ignore[arg-type]
    c, asuntos = await run_in_threadpool(_centro_y_asuntos, ctx.alm, request.path_params["centro"])
    valores = {
        k: str(form.get(k) or "")
        for k in ("tipo", "asunto", "descripcion", "turno", "correo", "telefono")
    }
    kiosco = form.get("kiosco") == "1"
    anonima = form.get("anonima") == "1"

    def error(mensaje: str, status: int) -> Response:
        return _pagina(
            request,
            "buzon_formulario.html",
            _contexto(request, c, asuntos, valores=valores, kiosco=kiosco, error=mensaje),
            status,
        )

    if (segundos := espera(request, "envio")) is not None:
        r = error(f"Demasiados envíos seguidos; intente de nuevo en {segundos} s.", 429)
        r.headers["Retry-After"] = str(segundos)
        return r
    try:
        if form.get(TRAMPA):
            raise EntradaInvalida("No pudimos recibir su manifestación.", "rechazada")
        resultado = await run_in_threadpool(
            lambda: casos.abrir(
                ctx.alm,
                c.slug,
                tipo=valores["tipo"],
                descripcion=valores["descripcion"],
                turno_folio=valores["turno"],
                correo_=None if anonima else valores["correo"],
                telefono=None if anonima else valores["telefono"],
                asunto=valores["asunto"],
                canal="kiosco" if kiosco else "web",
                ahora=ctx.ahora(),
            )
        )
    except TurnosError as e:
        return error(e.mensaje, e.status)
    despertar(request.app)
    return _pagina(
        request,
        "buzon_recibida.html",
        {"centro": c, "r": resultado, "kiosco": kiosco, "tipo": reglas.TIPOS[valores["tipo"]]},
        201,
    )


async def seguimiento(request: Request) -> Response:
    if request.method == "GET":
        return _pagina(request, "buzon_seguimiento.html", {"caso": None, "valores": {}})
    ctx = nucleo(request)
    form = await formulario(request)
    verificar_csrf(request, form.get("csrf"))  # type: ignore[arg-type]
    folio = str(form.get("folio") or "")[:100]
    clave = str(form.get("clave") or "")[:40]
    valores = {"folio": folio}
    if (segundos := espera(request, "consulta")) is not None:
        r = _pagina(
            request,
            "buzon_seguimiento.html",
            {"caso": None, "valores": valores, "error": f"Espere {segundos} s e intente de nuevo."},
            429,
        )
        r.headers["Retry-After"] = str(segundos)
        return r
    agregado = ""
    try:
        if form.get("informacion"):
            if (segundos := espera(request, "envio")) is not None:
                raise EntradaInvalida(f"Espere {segundos} s para agregar más información.")
            await run_in_threadpool(
                casos.agregar, ctx.alm, folio, clave, str(form.get("informacion")), ctx.ahora()
            )
            despertar(request.app)
            agregado = "Agregamos su información al caso."
        caso = await run_in_threadpool(casos.consultar, ctx.alm, folio, clave)
    except TurnosError as e:
        return _pagina(
            request,
            "buzon_seguimiento.html",
            {"caso": None, "valores": valores, "error": e.mensaje},
            e.status,
        )
    # La clave se reenvía en un campo oculto para agregar información sin volver a teclearla.
    return _pagina(
        request,
        "buzon_seguimiento.html",
        {"caso": caso, "valores": valores, "clave": clave, "agregado": agregado},
    )


RUTAS: list[Any] = [
    Route("/buzon/seguimiento", seguimiento, methods=["GET", "POST"]),
    Route("/buzon/{centro}", formulario_buzon, methods=["GET"]),
    Route("/buzon/{centro}", enviar, methods=["POST"]),
]

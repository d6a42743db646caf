"""API JSON /api/v1 (descrita en /api/v1/openapi.json; una prueba verifica que coinciden)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from turnos.dominio.estados import Accion, EstadoVentanilla
from turnos.dominio.horario import texto_horario
from turnos.enteros import entero
from turnos.errores import EntradaInvalida, NoEncontrado
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import (
    atencion,
    auditoria,
    ausencia,
    catalogo,
    cierre,
    consultas,
    emision,
    transferencia,
    ventanillas,
)
from turnos.servicios.idempotencia import CABECERA, Peticion, peticion
from turnos.web.auth import actor_con_csrf
from turnos.web.entrada import cuerpo
from turnos.web.openapi import ACCIONES_VENTANILLA, documento

__all__ = ["campo_texto", "cuerpo"]  # el kiosco los importa de aquí


def campo_texto(
    datos: dict[str, Any], campo: str, *, requerido: bool = False, maximo: int = 1000
) -> str:
    valor = datos.get(campo)
    if valor is None:
        if requerido:
            raise EntradaInvalida(f"Falta el campo «{campo}».", "campo_faltante")
        return ""
    if not isinstance(valor, str):
        raise EntradaInvalida(f"El campo «{campo}» debe ser texto.")
    if len(valor) > maximo:
        raise EntradaInvalida(f"El campo «{campo}» admite a lo más {maximo} caracteres.")
    if "\x00" in valor:
        raise EntradaInvalida(
            f"El campo «{campo}» contiene caracteres no válidos.", "texto_invalido"
        )
    return valor


actor_api = actor_con_csrf


def peticion_idempotente(
    request: Request, quien: Actor | None, operacion: str, datos: dict[str, Any]
) -> Peticion | None:
    """La cabecera Idempotency-Key de una creación (None si no vino)."""
    return peticion(request.headers.get(CABECERA), quien, operacion, datos)


def _ahora(request: Request) -> Any:
    return request.app.state.reloj()


async def salud(request: Request) -> Response:
    def consultar() -> None:
        with request.app.state.alm.lectura() as conn:
            conn.execute(text("SELECT 1"))

    try:
        await run_in_threadpool(consultar)
    except Exception:
        return JSONResponse(
            {
                "estado": "error",
                "error": "bd_no_disponible",
                "mensaje": "La base de datos no responde.",
            },
            status_code=503,
        )
    return JSONResponse({"estado": "ok"})


async def openapi(request: Request) -> Response:
    return JSONResponse(documento())


async def centro_info(request: Request) -> Response:
    def leer() -> dict[str, Any]:
        with request.app.state.alm.lectura() as conn:
            c = consultas.centro(conn, request.path_params["centro"])
            return {
                "slug": c.slug,
                "nombre": c.nombre,
                "zona": c.zona,
                "horario": c.horario,
                "horario_texto": texto_horario(c.horario),
                "inhabiles": c.inhabiles,
                "tolerancia_min": c.tolerancia_min,
                "mensajes": c.mensajes,
            }

    return JSONResponse(await run_in_threadpool(leer))


async def tramites(request: Request) -> Response:
    def leer() -> list[dict[str, Any]]:
        with request.app.state.alm.lectura() as conn:
            c = consultas.centro(conn, request.path_params["centro"])
            return [
                {k: v for k, v in t.items() if k != "id"}
                for t in catalogo.listar_tramites(conn, c.id)
            ]

    return JSONResponse(await run_in_threadpool(leer))


async def emitir(request: Request) -> Response:
    quien = await actor_api(request)
    datos = await cuerpo(request)
    alm = request.app.state.alm
    # Ruta caliente: el comando se forma en el escritor del Almacén sin ocupar un hilo (issue 14).
    confirmada = await alm.escribir(
        emision.confirmar,
        alm,
        request.path_params["centro"],
        campo_texto(datos, "tramite", requerido=True, maximo=20).strip().upper(),
        quien,
        _ahora(request),
        clase=campo_texto(datos, "clase") or "general",
        origen="recepcion" if quien is not None and quien.tipo == "usuario" else "kiosco",
        peticion=peticion_idempotente(request, quien, "emitir_turno", datos),
    )
    # La estimación es una lectura: fuera del escritor, para no retrasar la siguiente emisión.
    resultado = await run_in_threadpool(emision.completar, alm, confirmada)
    return JSONResponse(resultado, status_code=201)


async def turno_publico(request: Request) -> Response:
    return JSONResponse(
        await run_in_threadpool(
            emision.estado_publico,
            request.app.state.alm,
            request.path_params["token"],
            _ahora(request),
        )
    )


async def cancelar(request: Request) -> Response:
    datos = await cuerpo(request)
    return JSONResponse(
        await run_in_threadpool(
            emision.cancelar,
            request.app.state.alm,
            request.path_params["token"],
            _ahora(request),
            campo_texto(datos, "motivo") or "cancelado por la persona usuaria",
        )
    )


def leer_cola(alm: Any, slug: str, quien: Actor | None) -> dict[str, Any]:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        exigir(quien, Permiso.VER_COLA, c.id)
        esperando = consultas.cola(conn, c.id)
        tramites = catalogo.listar_tramites(conn, c.id)
        vents = catalogo.listar_ventanillas(conn, c.id)
    return {
        "centro": c.slug,
        "tramites": [
            {"clave": t["clave"], "nombre": t["nombre"], "esperando": esperando.get(t["clave"], 0)}
            for t in tramites
        ],
        "total_esperando": sum(esperando.values()),
        "ventanillas": [
            {
                "numero": v["numero"],
                "nombre": v["nombre"],
                "estado": v["estado"],
                "tramites": v["tramites"],
            }
            for v in vents
            if v["activo"]
        ],
    }


async def cola(request: Request) -> Response:
    quien = await actor_api(request)
    return JSONResponse(
        await run_in_threadpool(
            leer_cola, request.app.state.alm, request.path_params["centro"], quien
        )
    )


_ESTADOS = {
    "abrir": EstadoVentanilla.ABIERTA.value,
    "pausar": EstadoVentanilla.EN_PAUSA.value,
    "cerrar": EstadoVentanilla.CERRADA.value,
}


def ejecutar_accion(
    alm: Any,
    slug: str,
    numero: int,
    accion: str,
    quien: Actor | None,
    ahora: Any,
    datos: dict[str, Any],
) -> dict[str, Any] | None:
    """Despacha una acción de ventanilla (la usan la API y la página /ventanilla)."""
    if accion in _ESTADOS:
        return ventanillas.cambiar_estado(
            alm, slug, numero, _ESTADOS[accion], quien, ahora, campo_texto(datos, "motivo")
        )
    if accion == "liberar":
        return ventanillas.liberar(alm, slug, numero, quien, ahora, campo_texto(datos, "motivo"))
    if accion == "llamar":
        return atencion.llamar(
            alm,
            slug,
            numero,
            quien,
            ahora,
            folio=campo_texto(datos, "folio") or None,
            motivo=campo_texto(datos, "motivo"),
        )
    if accion == "registrar":
        atencion.registrar_datos(
            alm,
            slug,
            numero,
            quien,
            ahora,
            campo_texto(datos, "nombre"),
            campo_texto(datos, "contacto"),
        )
        return {"registrado": True}
    if accion == "reincorporar":
        return ausencia.reincorporar(alm, slug, numero, quien, ahora)
    if accion == "transferir":
        destino = datos.get("ventanilla")
        return transferencia.transferir(
            alm,
            slug,
            numero,
            quien,
            ahora,
            tramite=campo_texto(datos, "tramite").strip().upper() or None,
            ventanilla=(
                None
                if destino is None or str(destino).strip() == ""
                else entero(destino, "Ventanilla destino", minimo=0)
            ),
            usuario=campo_texto(datos, "usuario", maximo=60).strip() or None,
            posicion=campo_texto(datos, "posicion", maximo=20).strip() or "ultimo",
            motivo=campo_texto(datos, "motivo"),
        )
    if accion not in ACCIONES_VENTANILLA:
        raise NoEncontrado(
            f"Acción desconocida «{accion}»; use: {', '.join(ACCIONES_VENTANILLA)}.",
            "accion_desconocida",
        )
    return atencion.actuar(
        alm,
        slug,
        numero,
        Accion(accion),
        quien,
        ahora,
        motivo=campo_texto(datos, "motivo"),
        resultado=campo_texto(datos, "resultado", maximo=40),
    )


async def accion_ventanilla(request: Request) -> Response:
    quien = await actor_api(request)
    datos = await cuerpo(request)
    p = request.path_params
    alm = request.app.state.alm
    resultado = await alm.escribir(  # llamar, iniciar, finalizar…: por el escritor (issue 14)
        ejecutar_accion,
        alm,
        p["centro"],
        p["numero"],
        p["accion"],
        quien,
        _ahora(request),
        datos,
    )
    if resultado is None:
        return Response(status_code=204)
    return JSONResponse(resultado)


async def cierre_dia(request: Request) -> Response:
    quien = await actor_api(request)
    forzar = (await cuerpo(request)).get("forzar", False)
    if not isinstance(forzar, bool):
        raise EntradaInvalida("El campo «forzar» debe ser true o false.")
    return JSONResponse(
        await run_in_threadpool(
            lambda: cierre.cerrar_dia(
                request.app.state.alm,
                request.path_params["centro"],
                quien,
                _ahora(request),
                forzar=forzar,
            )
        )
    )


async def auditar(request: Request) -> Response:
    quien = await actor_api(request)

    def revisar() -> dict[str, Any]:
        with request.app.state.alm.lectura() as conn:
            exigir(quien, Permiso.AUDITAR, consultas.centro(conn, request.path_params["centro"]).id)
        total, falla = auditoria.auditar(request.app.state.alm, request.path_params["centro"])
        return {
            "eventos": total,
            "integra": falla is None,
            "falla": None if falla is None else {"seq": falla.seq, "motivo": falla.motivo},
            "fuera_de_orden": auditoria.fuera_de_orden(
                request.app.state.alm, request.path_params["centro"]
            ),
        }

    return JSONResponse(await run_in_threadpool(revisar))


RUTAS = [
    Route("/salud", salud, methods=["GET"]),
    Route("/api/v1/openapi.json", openapi, methods=["GET"]),
    Route("/api/v1/centros/{centro}", centro_info, methods=["GET"]),
    Route("/api/v1/centros/{centro}/tramites", tramites, methods=["GET"]),
    Route("/api/v1/centros/{centro}/turnos", emitir, methods=["POST"]),
    Route("/api/v1/centros/{centro}/cola", cola, methods=["GET"]),
    Route(
        "/api/v1/centros/{centro}/ventanillas/{numero:entero}/{accion}",
        accion_ventanilla,
        methods=["POST"],
    ),
    Route("/api/v1/centros/{centro}/cierre", cierre_dia, methods=["POST"]),
    Route("/api/v1/centros/{centro}/auditoria", auditar, methods=["GET"]),
    Route("/api/v1/turnos/{token}", turno_publico, methods=["GET"]),
    Route("/api/v1/turnos/{token}/cancelar", cancelar, methods=["POST"]),
]

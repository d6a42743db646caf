"""Open311 GeoReport v2 (JSON) bajo /open311/v2/: servicios (tipo × asunto), definición de
servicio, crear y listar solicitudes, y una solicitud por folio. `jurisdiction_id` es el slug
del centro. Crear exige `api_key` de una aplicación cliente (`turnos buzon-open311-clave`).
Las denuncias son `blackbox`: se pueden crear, pero nunca aparecen en listas ni por id; las
solicitudes públicas no llevan el texto del ciudadano (puede traer datos personales).
Errores como el estándar: lista de {code, description} con 400/403/404.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from buzon import casos, reglas
from buzon.limites import espera
from buzon.servicio import despertar
from turnos.errores import EntradaInvalida, NoEncontrado, TurnosError
from turnos.kit import formulario, nucleo
from turnos.servicios import consultas
from turnos.tiempo import a_ms, iso

MAX_RESULTADOS = 1000
VENTANA_DIAS = 90


class ErrorOpen311(Exception):
    def __init__(self, status: int, descripcion: str) -> None:
        super().__init__(descripcion)
        self.status, self.descripcion = status, descripcion


def _error(status: int, descripcion: str, cabeceras: dict[str, str] | None = None) -> Response:
    return JSONResponse(
        [{"code": status, "description": descripcion}], status_code=status, headers=cabeceras
    )


def _centro(conn: Connection, jurisdiccion: str) -> Any:
    if not jurisdiccion:
        slugs = list(conn.execute(text("SELECT slug FROM centro WHERE activo = true")).scalars())
        if len(slugs) != 1:
            raise ErrorOpen311(400, "jurisdiction_id es obligatorio (el slug del centro).")
        jurisdiccion = slugs[0]
    try:
        return consultas.centro(conn, jurisdiccion[:60])
    except NoEncontrado:
        raise ErrorOpen311(404, "jurisdiction_id desconocido.") from None


def _asuntos(conn: Connection, centro_id: int) -> list[Any]:
    return list(
        conn.execute(
            text(
                "SELECT clave, nombre FROM buzon_asunto WHERE centro_id = :c ORDER BY orden, nombre"
            ),
            {"c": centro_id},
        )
    )


def _servicios(conn: Connection, c: Any) -> list[dict[str, Any]]:
    salida = []
    for tipo, nombre in reglas.TIPOS.items():
        for clave, asunto in [("", ""), *[(a.clave, a.nombre) for a in _asuntos(conn, c.id)]]:
            salida.append(
                {
                    "service_code": f"{tipo}.{clave}" if clave else tipo,
                    "service_name": f"{nombre}: {asunto}" if asunto else nombre,
                    "description": f"{nombre} en {c.nombre}; respuesta en {reglas.SLA_DIAS[tipo]} días.",
                    "metadata": True,
                    "type": "blackbox" if tipo == "denuncia" else "batch",
                    "keywords": ", ".join(x for x in (tipo, clave) if x),
                    "group": nombre,
                }
            )
    return salida


def _codigo(codigo: str) -> tuple[str, str]:
    tipo, _, asunto = codigo.partition(".")
    if tipo not in reglas.TIPOS:
        raise ErrorOpen311(404, "service_code desconocido.")
    return tipo, asunto


async def _ejecutar(request: Request, funcion: Any, *args: Any, status: int = 200) -> Response:
    if (segundos := espera(request, "consulta")) is not None:
        return _error(
            429, f"Demasiadas solicitudes; espere {segundos} s.", {"Retry-After": str(segundos)}
        )
    try:
        return JSONResponse(await run_in_threadpool(funcion, *args), status_code=status)
    except ErrorOpen311 as e:
        return _error(e.status, e.descripcion)
    except TurnosError as e:
        return _error(e.status if e.status in (400, 403, 404) else 400, e.mensaje)


async def servicios(request: Request) -> Response:
    def leer() -> list[dict[str, Any]]:
        with nucleo(request).alm.lectura() as conn:
            return _servicios(conn, _centro(conn, request.query_params.get("jurisdiction_id", "")))

    return await _ejecutar(request, leer)


_ATRIBUTO_TURNO = {
    "variable": True,
    "code": "turno",
    "datatype": "string",
    "required": False,
    "datatype_description": "Folio del turno, p. ej. A-012",
    "order": 1,
    "description": "Folio del turno relacionado (opcional)",
}


async def definicion(request: Request) -> Response:
    def leer() -> dict[str, Any]:
        with nucleo(request).alm.lectura() as conn:
            c = _centro(conn, request.query_params.get("jurisdiction_id", ""))
            codigo = request.path_params["codigo"]
            if codigo not in {s["service_code"] for s in _servicios(conn, c)}:
                raise ErrorOpen311(404, "service_code desconocido.")
        return {"service_code": codigo, "attributes": [_ATRIBUTO_TURNO]}

    return await _ejecutar(request, leer)


_CLIENTE = text("SELECT id FROM buzon_cliente WHERE clave_hash = :h AND revocado_ms IS NULL")


def huella_api_key(clave: str) -> str:
    return hashlib.sha256(clave.encode()).hexdigest()


async def crear(request: Request) -> Response:
    ctx = nucleo(request)
    try:
        form = await formulario(request)
        campos = {k: str(v)[:4001] for k, v in form.items() if isinstance(v, str)}
    except TurnosError:
        campos = {}  # cuerpo ilegible: sin api_key
    api_key = campos.get("api_key", "")

    def valida() -> bool:
        with ctx.alm.lectura() as conn:
            return conn.execute(_CLIENTE, {"h": huella_api_key(api_key)}).first() is not None

    # Primero la aplicación cliente (403 del estándar), luego el límite de tasa.
    if not api_key or not await run_in_threadpool(valida):
        return _error(403, "api_key no válida.")
    if (segundos := espera(request, "envio")) is not None:
        return _error(
            429, f"Demasiadas solicitudes; espere {segundos} s.", {"Retry-After": str(segundos)}
        )

    def abrir() -> list[dict[str, Any]]:
        with ctx.alm.lectura() as conn:
            c = _centro(conn, campos.get("jurisdiction_id", ""))
        tipo, asunto = _codigo(campos.get("service_code", ""))
        if len(campos.get("description", "")) > 4000:
            raise EntradaInvalida("description admite a lo más 4000 caracteres.")
        r = casos.abrir(
            ctx.alm,
            c.slug,
            tipo=tipo,
            descripcion=campos.get("description", ""),
            turno_folio=campos.get("attribute[turno]", ""),
            correo_=campos.get("email"),
            telefono=campos.get("phone"),
            asunto=asunto,
            canal="open311",
            ahora=ctx.ahora(),
        )
        return [
            {
                "service_request_id": r["folio"],
                "service_notice": f"Respuesta a más tardar {r['vence'][:10]}. Clave para el seguimiento en /buzon/seguimiento: {r['clave']}",
                "account_id": None,
                "token": r["folio"],  # el id ya es definitivo: el token es el mismo folio
            }
        ]

    respuesta = await _ejecutar(request, abrir, status=201)
    despertar(request.app)
    return respuesta


_SOLICITUDES = text(
    "SELECT k.folio, k.tipo, k.asunto, k.estado, k.resolucion, k.creado_ms, k.actualizado_ms,"
    " k.vence_ms, u.nombre AS unidad FROM buzon_caso k LEFT JOIN buzon_unidad u ON u.id = k.unidad_id"
    " WHERE k.centro_id = :c AND k.tipo <> 'denuncia' AND k.creado_ms >= :desde AND k.creado_ms < :hasta"
    " ORDER BY k.creado_ms DESC LIMIT :n"
)


def _solicitud(f: Any, c: Any) -> dict[str, Any]:
    abierta = f.estado not in reglas.FINALES
    return {
        "service_request_id": f.folio,
        "status": "open" if abierta else "closed",
        "status_notes": reglas.ESTADOS[f.estado] + (f": {f.resolucion}" if f.resolucion else ""),
        "service_name": reglas.TIPOS[f.tipo],
        "service_code": f"{f.tipo}.{f.asunto}" if f.asunto else f.tipo,
        "description": "",  # el texto del ciudadano no se publica
        "agency_responsible": f.unidad or "",
        "service_notice": "",
        "requested_datetime": iso(f.creado_ms, c.zona),
        "updated_datetime": iso(f.actualizado_ms, c.zona),
        "expected_datetime": iso(f.vence_ms, c.zona),
        "address": c.nombre,
        "address_id": c.slug,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _fecha(valor: str, campo: str) -> datetime:
    try:
        f = datetime.fromisoformat(valor.replace("Z", "+00:00"))
    except ValueError:
        raise ErrorOpen311(400, f"{campo} debe ser ISO 8601.") from None
    return f if f.tzinfo else f.replace(tzinfo=ZoneInfo("UTC"))


async def listar(request: Request) -> Response:
    q = request.query_params
    ahora = nucleo(request).ahora()

    def leer() -> list[dict[str, Any]]:
        hasta = _fecha(q["end_date"], "end_date") if q.get("end_date") else ahora
        desde = (
            _fecha(q["start_date"], "start_date")
            if q.get("start_date")
            else hasta - timedelta(days=VENTANA_DIAS)
        )
        with nucleo(request).alm.lectura() as conn:
            c = _centro(conn, q.get("jurisdiction_id", ""))
            filas = conn.execute(
                _SOLICITUDES,
                {"c": c.id, "desde": a_ms(desde), "hasta": a_ms(hasta) + 1, "n": MAX_RESULTADOS},
            ).all()
        salida = [_solicitud(f, c) for f in filas]
        if ids := q.get("service_request_id"):
            buscados = {i.strip().upper() for i in ids.split(",")}
            salida = [s for s in salida if s["service_request_id"] in buscados]
        if codigo := q.get("service_code"):
            salida = [s for s in salida if s["service_code"] in codigo.split(",")]
        if estado := q.get("status"):
            if estado not in ("open", "closed"):
                raise ErrorOpen311(400, "status debe ser open o closed.")
            salida = [s for s in salida if s["status"] == estado]
        return salida

    return await _ejecutar(request, leer)


async def una(request: Request) -> Response:
    def leer() -> list[dict[str, Any]]:
        folio = reglas.normalizar_folio(request.path_params["folio"])
        with nucleo(request).alm.lectura() as conn:
            f = (
                conn.execute(
                    text(
                        _SOLICITUDES.text.replace(
                            "k.creado_ms >= :desde AND k.creado_ms < :hasta", "k.folio = :f"
                        ).replace("k.centro_id = :c AND ", "")
                    ),
                    {"f": folio, "n": 1},
                ).first()
                if folio
                else None
            )
            if f is None:  # una denuncia, para Open311, no existe
                raise ErrorOpen311(404, "service_request_id desconocido.")
            c = conn.execute(
                text(
                    "SELECT c.slug FROM centro c JOIN buzon_caso k ON k.centro_id = c.id WHERE k.folio = :f"
                ),
                {"f": folio},
            ).scalar_one()
            return [_solicitud(f, consultas.centro(conn, c))]

    return await _ejecutar(request, leer)


async def token(request: Request) -> Response:
    """GET tokens/{token}.json: el service_request_id de un token (aquí, el mismo folio)."""

    def leer() -> list[dict[str, Any]]:
        folio = reglas.normalizar_folio(request.path_params["token"])
        with nucleo(request).alm.lectura() as conn:
            existe = (
                folio
                and conn.execute(
                    text("SELECT 1 FROM buzon_caso WHERE folio = :f AND tipo <> 'denuncia'"),
                    {"f": folio},
                ).first()
            )
        if not existe:  # una denuncia, para Open311, no existe
            raise ErrorOpen311(404, "token desconocido.")
        return [{"service_request_id": folio, "token": folio}]

    return await _ejecutar(request, leer)


RUTAS: list[Any] = [
    Route("/open311/v2/services.json", servicios, methods=["GET"]),
    Route("/open311/v2/services/{codigo}.json", definicion, methods=["GET"]),
    Route("/open311/v2/requests.json", listar, methods=["GET"]),
    Route("/open311/v2/requests.json", crear, methods=["POST"]),
    Route("/open311/v2/requests/{folio}.json", una, methods=["GET"]),
    Route("/open311/v2/tokens/{token}.json", token, methods=["GET"]),
]

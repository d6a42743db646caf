"""Tiempo real: snapshot y replay desde la BD para el hub de `pantalla/`, el websocket
/ws/pantalla/{centro}, la página /pantalla/{centro} y el arranque del hub (y del puente
LISTEN/NOTIFY con PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from pantalla import ws as pantalla_ws
from pantalla.hub import Hub
from pantalla.pg_puente import PuentePostgres
from pantalla.web import OpcionesPantalla, montar_estaticos, respuesta_pantalla
from turnos.db.almacen import Almacen
from turnos.dominio.horario import texto_horario
from turnos.errores import Prohibido, TurnosError
from turnos.permisos import Actor, Permiso, TipoDispositivo
from turnos.servicios import catalogo, consultas, voz
from turnos.tiempo import a_ms, iso
from turnos.web.auth import actor

MAXIMO_REPLAY = 1000
RECIENTES = 12

_LLAMADOS = text(
    "SELECT t.id, t.raiz_id, t.folio, t.estado, t.llamado_ms, tr.clave, tr.nombre AS tramite_nombre,"
    " v.numero, v.nombre AS ventanilla_nombre, (SELECT max(e.seq) FROM evento e WHERE"
    " e.centro_id = t.centro_id AND e.turno_id = t.id AND e.tipo IN ('turno_llamado',"
    " 'turno_rellamado')) AS seq FROM turno t JOIN tramite tr ON tr.id = t.tramite_id"
    " JOIN ventanilla v ON v.id = t.ventanilla_id WHERE t.centro_id = :c"
    " AND t.estado IN ('llamado', 'en_atencion') ORDER BY t.llamado_ms DESC LIMIT :n"
)


def _snapshot(conn: Connection, slug: str) -> dict[str, Any]:
    c = consultas.centro(conn, slug)
    seq = (
        conn.execute(text("SELECT seq FROM cadena WHERE centro_id = :c"), {"c": c.id}).scalar() or 0
    )
    esperando = consultas.cola(conn, c.id)
    return {
        "tipo": "snapshot",
        "seq": int(seq),
        "centro": {
            "slug": c.slug,
            "nombre": c.nombre,
            "horario_texto": texto_horario(c.horario),
            "mensajes": c.mensajes,
        },
        "llamados": [
            {
                "seq": f.seq,
                "id": f.raiz_id or f.id,
                "folio": f.folio,
                "tramite": f.clave,
                "tramite_nombre": f.tramite_nombre,
                "ventanilla": {"numero": f.numero, "nombre": f.ventanilla_nombre},
                "estado": f.estado,
                "ts": iso(f.llamado_ms, c.zona),
            }
            for f in conn.execute(_LLAMADOS, {"c": c.id, "n": RECIENTES})
        ],
        "cola": {
            t["clave"]: {"nombre": t["nombre"], "esperando": esperando.get(t["clave"], 0)}
            for t in catalogo.listar_tramites(conn, c.id)
        },
        "ventanillas": [
            {"numero": v["numero"], "nombre": v["nombre"], "estado": v["estado"]}
            for v in catalogo.listar_ventanillas(conn, c.id)
            if v["activo"]
        ],
    }


def leer_snapshot(alm: Almacen, slug: str) -> dict[str, Any]:
    """Una sola lectura consistente: en PostgreSQL, REPEATABLE READ (seq y estado cuadran)."""
    opciones: dict[str, Any] = {"solo_lectura": True}
    if alm.es_pg:
        opciones["isolation_level"] = "REPEATABLE READ"
    with alm.motor.connect().execution_options(**opciones) as conn, conn.begin():
        return _snapshot(conn, slug)


def leer_replay(alm: Almacen, slug: str, desde: int) -> list[dict[str, Any]] | None:
    """Los eventos públicos con seq > desde, o None si son demasiados o `desde` no existe aún."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        ultimo = (
            conn.execute(text("SELECT seq FROM cadena WHERE centro_id = :c"), {"c": c.id}).scalar()
            or 0
        )
        if desde > ultimo or ultimo - desde > MAXIMO_REPLAY:
            return None
        filas = conn.execute(
            text("SELECT publico FROM evento WHERE centro_id = :c AND seq > :s ORDER BY seq"),
            {"c": c.id, "s": desde},
        )
        return [json.loads(p) for (p,) in filas]


class InformesVoz:
    """Guarda lo que una pantalla (dispositivo) dice de su voz y audio, para el tablero.

    Se escribe cuando cambia o, si no cambia, a lo más cada ``voz.REGISTRO_S``.
    """

    def __init__(self, app: Starlette, quien: Actor) -> None:
        self.app, self.dispositivo_id = app, quien.id
        self.ultimo: dict[str, Any] | None = None
        self.guardado_ms = 0

    async def recibir(self, mensaje: dict[str, Any]) -> None:
        datos = voz.informe(mensaje)
        if datos is None:
            return
        ahora_ms = a_ms(self.app.state.reloj())
        if datos == self.ultimo and ahora_ms - self.guardado_ms < voz.REGISTRO_S * 1000:
            return
        self.ultimo, self.guardado_ms = datos, ahora_ms
        await self._guardar(datos, ahora_ms, conectada=True)

    async def desconectada(self) -> None:
        if self.ultimo is not None:
            await self._guardar(self.ultimo, a_ms(self.app.state.reloj()), conectada=False)

    async def _guardar(self, datos: dict[str, Any], ahora_ms: int, conectada: bool) -> None:
        await run_in_threadpool(
            voz.registrar_informe,
            self.app.state.alm,
            self.dispositivo_id,
            datos,
            ahora_ms,
            conectada,
        )


async def websocket_pantalla(websocket: WebSocket) -> None:
    """/ws/pantalla/{centro}: pantallas de sala y páginas del personal (eventos públicos)."""
    app = websocket.app
    slug = websocket.path_params["centro"]
    quien = await actor(websocket, permitir_query=True)

    def permitido() -> bool:
        with app.state.alm.lectura() as conn:
            try:
                return quien is not None and quien.puede(
                    Permiso.VER_COLA, consultas.centro(conn, slug).id
                )
            except TurnosError:
                return False

    if not await run_in_threadpool(permitido):
        await websocket.close(code=4403)  # el navegador no puede leer cabeceras: código propio
        return
    await websocket.accept()
    filtro, desde = pantalla_ws.parametros(websocket)
    informes = InformesVoz(app, quien) if quien and quien.rol == TipoDispositivo.PANTALLA else None
    await pantalla_ws.servir(
        websocket,
        app.state.hub,
        slug,
        app.state.snapshot,
        app.state.replay,
        filtro=filtro,
        desde=desde,
        al_mensaje=informes.recibir if informes else None,
    )
    if informes:
        await informes.desconectada()


async def pagina_pantalla(request: Request) -> Response:
    """/pantalla/{centro}?token=…: el token de dispositivo va en la URL una vez (Chromium en modo
    kiosco no puede enviar cabeceras) y la página lo usa para su websocket."""
    slug = request.path_params["centro"]
    quien = await actor(request, permitir_query=True)
    if quien is None:
        return RedirectResponse(f"/login?siguiente=/pantalla/{slug}", status_code=303)

    def centro() -> dict[str, Any]:
        with request.app.state.alm.lectura() as conn:
            c = consultas.centro(conn, slug)
            if not quien.puede(Permiso.VER_PANTALLA, c.id):
                raise Prohibido(
                    "Este dispositivo o cuenta no puede mostrar la pantalla de este centro."
                )
            return {
                "slug": c.slug,
                "nombre": c.nombre,
                "horario_texto": texto_horario(c.horario),
                "mensajes": c.mensajes,
                "zona": c.zona,
                "voz": voz.leer_config(conn, c.id),
            }

    datos = await run_in_threadpool(centro)
    config: voz.ConfigVoz = datos["voz"]
    return respuesta_pantalla(
        datos,
        request.query_params.get("token", ""),
        tramites=request.query_params.get("tramites"),
        opciones=OpcionesPantalla(
            zona_horaria=datos["zona"],
            voz_nombre=config.nombre,
            velocidad_voz=config.velocidad,
            volumen=config.volumen,
            idiomas_voz=",".join(voz.IDIOMAS),
        ),
    )


RUTAS = [
    Route("/pantalla/{centro}", pagina_pantalla, methods=["GET"]),
    WebSocketRoute("/ws/pantalla/{centro}", websocket_pantalla),
    montar_estaticos(),
]


def dsn_psycopg(url: str) -> str:
    """La URL de SQLAlchemy (postgresql+psycopg://…) como la entiende psycopg (postgresql://…)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def iniciar(app: Starlette) -> None:
    alm: Almacen = app.state.alm
    hub = Hub()
    app.state.hub = hub

    async def snapshot(centro: str) -> dict[str, Any]:
        return await run_in_threadpool(leer_snapshot, alm, centro)

    async def replay(centro: str, desde: int) -> list[dict[str, Any]] | None:
        try:
            return await run_in_threadpool(leer_replay, alm, centro, desde)
        except TurnosError:
            return None

    app.state.snapshot, app.state.replay = snapshot, replay
    app.state.puente = None
    if alm.es_pg:  # todos los procesos, incluido el que emite, reciben por LISTEN
        app.state.puente = PuentePostgres(
            dsn_psycopg(str(alm.motor.url.render_as_string(hide_password=False))),
            hub,
            replay=replay,
        )
        await app.state.puente.iniciar()
    else:
        loop = asyncio.get_running_loop()

        def al_confirmar(eventos: list[dict[str, Any]]) -> None:
            for e in eventos:
                hub.publicar_desde_hilo(loop, e["centro"], e)

        alm.al_confirmar = al_confirmar


async def detener(app: Starlette) -> None:
    app.state.alm.al_confirmar = None
    if getattr(app.state, "puente", None) is not None:
        await app.state.puente.detener()

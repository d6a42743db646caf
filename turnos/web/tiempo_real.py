"""Tiempo real del núcleo: snapshot y replay de eventos públicos leídos de la BD, y el arranque
del reparto (`turnos/eventos`): con PostgreSQL, el puente LISTEN/NOTIFY (único lugar que
importa psycopg); con SQLite, el reparto en proceso tras cada COMMIT. Las caras (pantalla,
tablero…) se suscriben al hub de `nucleo(app).hub`."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from turnos.db.almacen import Almacen
from turnos.dominio.horario import texto_horario
from turnos.dominio.numeracion import dia_local
from turnos.servicios import catalogo, consultas
from turnos.tiempo import iso
from turnos.web.contexto import nucleo

MAXIMO_REPLAY = 1000
RECIENTES = 20  # el máximo de ?ultimos=N de la pantalla

# Los llamados en curso (de cualquier día: los cierra el cierre del día) y los ya atendidos o
# ausentes de hoy: una TV que se recarga sigue mostrando a quién ya llamaron y a dónde.
_COLUMNAS_LLAMADO = (
    "SELECT t.id, t.raiz_id, t.folio, t.estado, t.llamado_ms, tr.clave, tr.nombre AS tramite_nombre,"
    " v.numero, v.nombre AS ventanilla_nombre, (SELECT max(e.seq) FROM evento e WHERE"
    " e.centro_id = t.centro_id AND e.turno_id = t.id AND e.tipo IN ('turno_llamado',"
    " 'turno_rellamado')) AS seq FROM turno t JOIN tramite tr ON tr.id = t.tramite_id"
    " JOIN ventanilla v ON v.id = t.ventanilla_id WHERE t.centro_id = :c"
)
_LLAMADOS = text(
    f"SELECT * FROM ({_COLUMNAS_LLAMADO} AND t.estado IN ('llamado', 'en_atencion')"
    f" UNION ALL {_COLUMNAS_LLAMADO} AND t.dia = :dia AND t.estado IN ('atendido', 'ausente')"
    " AND t.llamado_ms IS NOT NULL) llamados ORDER BY llamado_ms DESC LIMIT :n"
)


def _snapshot(conn: Connection, slug: str, ahora: datetime) -> dict[str, Any]:
    c = consultas.centro(conn, slug)
    dia = dia_local(ahora, c.zona).isoformat()
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
            for f in conn.execute(_LLAMADOS, {"c": c.id, "dia": dia, "n": RECIENTES})
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


def leer_snapshot(alm: Almacen, slug: str, ahora: datetime) -> dict[str, Any]:
    """Una sola lectura consistente: en PostgreSQL, REPEATABLE READ (seq y estado cuadran)."""
    opciones: dict[str, Any] = {"solo_lectura": True}
    if alm.es_pg:
        opciones["isolation_level"] = "REPEATABLE READ"
    with alm.motor.connect().execution_options(**opciones) as conn, conn.begin():
        return _snapshot(conn, slug, ahora)


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


def dsn_psycopg(url: str) -> str:
    """La URL de SQLAlchemy (postgresql+psycopg://…) como la entiende psycopg (postgresql://…).

    Los parámetros se codifican con %20: SQLAlchemy escribe los espacios como «+», que libpq no
    decodifica, y `options=-c a=1 -c b=2` llegaba roto (el puente no conectaba nunca)."""
    u = make_url(url)
    base = u.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    if not u.query:
        return base
    return f"{base}?{urlencode(u.query, doseq=True, quote_via=quote)}"


async def iniciar(app: Starlette) -> None:
    ctx = nucleo(app)
    alm, hub = ctx.alm, ctx.hub
    app.state.snapshot, app.state.replay = ctx.snapshot, ctx.replay  # alias de antes
    app.state.puente = None
    if alm.es_pg:  # todos los procesos, incluido el que emite, reciben por LISTEN
        from turnos.eventos.puente_pg import PuentePostgres  # solo aquí se carga psycopg

        app.state.puente = PuentePostgres(
            dsn_psycopg(str(alm.motor.url.render_as_string(hide_password=False))),
            hub,
            replay=ctx.replay,
            canal=await asyncio.to_thread(alm.canal_eventos),
            sondeo_s=ctx.settings.pg_conciliar_s,
        )
        await app.state.puente.iniciar()
    else:
        loop = asyncio.get_running_loop()

        def al_confirmar(eventos: list[dict[str, Any]]) -> None:
            for e in eventos:
                hub.publicar_desde_hilo(loop, e["centro"], e)

        alm.al_confirmar = al_confirmar


async def detener(app: Starlette) -> None:
    nucleo(app).alm.al_confirmar = None
    if getattr(app.state, "puente", None) is not None:
        await app.state.puente.detener()

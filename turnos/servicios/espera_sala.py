"""Espera estimada por trámite para la sala (pantalla de TV): la de quien llegaría ahora.

Por trámite se estima al último turno general en espera (si no hay general, al último de
cualquier clase) con el estimador del núcleo (`estimacion.estimar_en_espera`, la misma política
que `llamar`): su rango es lo que esperaría quien toma turno en este momento. Sin nadie en
espera o sin ventanilla abierta que lo atienda: None («sin estimación»). Una estimación por
trámite con gente en espera; quien muestre esto la guarda en caché por evento.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen, CacheCatalogo
from turnos.dominio.estados import EstadoTurno
from turnos.servicios import catalogo, consultas, estimacion
from turnos.tiempo import a_ms

_ULTIMOS = text(
    "SELECT id, tramite_id, clase, en_cola_ms FROM turno WHERE centro_id = :c AND estado = :e"
)


def _ultimos_por_tramite(conn: Connection, centro_id: int) -> dict[int, int]:
    """{tramite_id: id del último en la fila} (prefiere los generales: la fila de quien llega)."""
    mejor: dict[int, tuple[bool, int, int]] = {}
    for f in conn.execute(_ULTIMOS, {"c": centro_id, "e": EstadoTurno.EN_ESPERA.value}):
        clave = (f.clase == "general", int(f.en_cola_ms), int(f.id))
        if f.tramite_id not in mejor or clave > mejor[f.tramite_id]:
            mejor[f.tramite_id] = clave
    return {tid: c[2] for tid, c in mejor.items()}


def esperas_por_tramite(
    conn: Connection, slug: str, ahora: datetime, cache: CacheCatalogo | None = None
) -> dict[str, dict[str, int] | None]:
    """{clave: {"min_s", "max_s"} o None} de cada trámite activo del centro."""
    c = consultas.centro(conn, slug)
    ultimos = _ultimos_por_tramite(conn, c.id)
    ms = a_ms(ahora)
    resultado: dict[str, dict[str, int] | None] = {}
    for t in catalogo.listar_tramites(conn, c.id):
        turno_id = ultimos.get(int(t["id"]))
        if turno_id is None:
            resultado[t["clave"]] = None
            continue
        est = estimacion.estimar_en_espera(
            conn, turno_id, c.id, int(t["id"]), ms, c.politica, cache=cache
        )
        resultado[t["clave"]] = estimacion.espera_estimada(est)
    return resultado


def leer(alm: Almacen, slug: str, ahora: datetime) -> dict[str, dict[str, int] | None]:
    with alm.lectura() as conn:
        return esperas_por_tramite(conn, slug, ahora, alm.cache_catalogo)

"""Lecturas comunes a los servicios: centro, trámite, ventanilla, turno, cola. Errores 404 claros.

Cada lectura devuelve un tipo de fila pequeño y congelado (`CentroInfo`, `TramiteInfo`,
`VentanillaInfo`, `TurnoInfo`) en vez de la fila `Any` de SQLAlchemy.

Las variantes `*_en(tx, …)` leen del catálogo en caché de la transacción (db/almacen.py:
`CacheCatalogo`, validada por `version_catalogo`): los comandos calientes (emitir, llamar,
finalizar) no releen centro ni trámites en cada transacción (issue 14)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, text

from turnos.dominio.enrutamiento import Politica
from turnos.errores import NoEncontrado

if TYPE_CHECKING:
    from turnos.db.almacen import Tx


@dataclass(frozen=True)
class CentroInfo:
    id: int
    slug: str
    nombre: str
    zona: str
    horario: dict[str, list[str] | None]
    inhabiles: list[str]
    tolerancia_min: int
    mensajes: list[str]
    politica: Politica
    pie_ticket: list[str]


_CENTRO = text(
    "SELECT id, slug, nombre, zona, horario, inhabiles, tolerancia_min, mensajes, politica,"
    " pie_ticket FROM centro WHERE slug = :slug AND activo = true"
)


def centro(conn: Connection, slug: str) -> CentroInfo:
    f = conn.execute(_CENTRO, {"slug": slug}).first()
    if f is None:
        raise NoEncontrado(f"No existe el centro «{slug[:60]}».", "centro_no_encontrado")
    return CentroInfo(
        id=f.id,
        slug=f.slug,
        nombre=f.nombre,
        zona=f.zona,
        horario=json.loads(f.horario),
        inhabiles=json.loads(f.inhabiles),
        tolerancia_min=f.tolerancia_min,
        mensajes=json.loads(f.mensajes),
        politica=Politica(**json.loads(f.politica)),
        pie_ticket=json.loads(f.pie_ticket),
    )


def centro_en(tx: Tx, slug: str) -> CentroInfo:
    """`centro` desde la caché del catálogo (1 lectura de la versión por transacción)."""
    cat = tx.catalogo()
    c = cat.get(("centro", slug))
    if c is None:
        c = cat[("centro", slug)] = centro(tx.conn, slug)
    tx.recordar_slug(c.id, c.slug)  # el evento no tiene que leerlo
    return c


@dataclass(frozen=True)
class TramiteInfo:
    id: int
    clave: str
    nombre: str
    prefijo: str
    espera_maxima_min: int | None
    atencion_maxima_min: int | None
    costo: str

    @classmethod
    def de_fila(cls, f: Row[Any]) -> TramiteInfo:
        return cls(**f._mapping)


_COLUMNAS_TRAMITE = (
    "tr.id, tr.clave, tr.nombre, tr.prefijo, tr.espera_maxima_min, tr.atencion_maxima_min, tr.costo"
)
_TRAMITE = text(
    f"SELECT {_COLUMNAS_TRAMITE} FROM tramite tr"
    " WHERE tr.centro_id = :c AND tr.clave = :clave AND tr.activo = true"
)


def tramite(conn: Connection, centro_id: int, clave: str) -> TramiteInfo:
    f = conn.execute(_TRAMITE, {"c": centro_id, "clave": clave}).first()
    if f is None:
        raise NoEncontrado(
            f"No existe el trámite «{clave[:20]}» en este centro.", "tramite_no_encontrado"
        )
    return TramiteInfo.de_fila(f)


def tramite_en(tx: Tx, centro_id: int, clave: str) -> TramiteInfo:
    """`tramite` (activo) desde la caché del catálogo."""
    cat = tx.catalogo()
    tr = cat.get(("tramite", centro_id, clave))
    if tr is None:
        tr = cat[("tramite", centro_id, clave)] = tramite(tx.conn, centro_id, clave)
        cat[("tramite_id", tr.id)] = tr
    return tr


_TRAMITE_POR_ID = text(f"SELECT {_COLUMNAS_TRAMITE} FROM tramite tr WHERE tr.id = :id")


def tramite_por_id_en(tx: Tx, tramite_id: int) -> TramiteInfo:
    """El trámite de un turno (activo o no), desde la caché del catálogo."""
    cat = tx.catalogo()
    tr = cat.get(("tramite_id", tramite_id))
    if tr is None:
        f = tx.conn.execute(_TRAMITE_POR_ID, {"id": tramite_id}).one()
        tr = cat[("tramite_id", tramite_id)] = TramiteInfo.de_fila(f)
    return tr


@dataclass(frozen=True)
class VentanillaInfo:
    id: int
    numero: int
    nombre: str
    estado: str
    motivo_pausa: str
    usuario_id: int | None

    @classmethod
    def de_fila(cls, f: Row[Any]) -> VentanillaInfo:
        return cls(**f._mapping)


# Las columnas de VentanillaInfo, para quien la lee (o la bloquea) con su propio WHERE.
COLUMNAS_VENTANILLA = "id, numero, nombre, estado, motivo_pausa, usuario_id"


def ventanilla(
    conn: Connection, centro_id: int, numero: int, *, bloquear: bool = False
) -> VentanillaInfo:
    sql = (
        f"SELECT {COLUMNAS_VENTANILLA} FROM ventanilla"
        " WHERE centro_id = :c AND numero = :n AND activo = true"
    )
    if bloquear and conn.dialect.name == "postgresql":
        sql += " FOR UPDATE"  # serializa las acciones sobre la misma ventanilla
    f = conn.execute(text(sql), {"c": centro_id, "n": numero}).first()
    if f is None:
        raise NoEncontrado(
            f"No existe la ventanilla {numero} en este centro.", "ventanilla_no_encontrada"
        )
    return VentanillaInfo.de_fila(f)


@dataclass(frozen=True)
class TurnoInfo:
    """Un tramo de turno con su trámite. Nombre y contacto fuera del repr: nunca a un log."""

    id: int
    centro_id: int
    raiz_id: int | None
    tramo: int
    folio: str
    dia: str
    token: str = field(repr=False)
    tramite_id: int
    clase: str
    origen: str
    estado: str
    en_cola_ms: int
    llamado_ms: int | None
    inicio_ms: int | None
    fin_ms: int | None
    cita_ms: int | None
    llamadas: int
    ventanilla_id: int | None
    usuario_id: int | None
    motivo: str
    nombre: str = field(repr=False)
    contacto: str = field(repr=False)
    tramite_clave: str
    tramite_nombre: str
    atencion_maxima_min: int | None
    espera_maxima_min: int | None

    @classmethod
    def de_fila(cls, f: Row[Any]) -> TurnoInfo:
        return cls(**f._mapping)


# SELECT de TurnoInfo; quien lo usa agrega su WHERE (alias t = turno, tr = tramite).
SELECT_TURNO = (
    "SELECT t.id, t.centro_id, t.raiz_id, t.tramo, t.folio, t.dia, t.token, t.tramite_id,"
    " t.clase, t.origen, t.estado, t.en_cola_ms, t.llamado_ms, t.inicio_ms, t.fin_ms,"
    " t.cita_ms, t.llamadas, t.ventanilla_id, t.usuario_id, t.motivo, t.nombre, t.contacto,"
    " tr.clave AS tramite_clave, tr.nombre AS tramite_nombre, tr.atencion_maxima_min,"
    " tr.espera_maxima_min FROM turno t JOIN tramite tr ON tr.id = t.tramite_id"
)
_TURNO = text(SELECT_TURNO + " WHERE t.id = :id")


def turno(conn: Connection, turno_id: int) -> TurnoInfo:
    """Un turno que el llamador ya sabe que existe (su id salió de esta transacción)."""
    return TurnoInfo.de_fila(conn.execute(_TURNO, {"id": turno_id}).one())


# Las columnas propias de TurnoInfo (sin las del trámite), para `UPDATE … RETURNING`.
COLUMNAS_TURNO = (
    "id, centro_id, raiz_id, tramo, folio, dia, token, tramite_id, clase, origen, estado,"
    " en_cola_ms, llamado_ms, inicio_ms, fin_ms, cita_ms, llamadas, ventanilla_id, usuario_id,"
    " motivo, nombre, contacto"
)


def turno_con_tramite(f: Row[Any], tr: TramiteInfo) -> TurnoInfo:
    """TurnoInfo de una fila con COLUMNAS_TURNO y su trámite (ya conocido: de la caché)."""
    return TurnoInfo(
        **f._mapping,
        tramite_clave=tr.clave,
        tramite_nombre=tr.nombre,
        atencion_maxima_min=tr.atencion_maxima_min,
        espera_maxima_min=tr.espera_maxima_min,
    )


_COLA = text(
    "SELECT tr.clave, e.n FROM espera e JOIN tramite tr ON tr.id = e.tramite_id"
    " WHERE e.centro_id = :c AND e.n > 0"
)


def cola(conn: Connection, centro_id: int) -> dict[str, int]:
    """Turnos en espera por clave de trámite (solo los que tienen alguien)."""
    return {clave: n for clave, n in conn.execute(_COLA, {"c": centro_id})}


_COLA_TRAMITE = text("SELECT n FROM espera WHERE centro_id = :c AND tramite_id = :t")
_AJUSTAR = text(
    "INSERT INTO espera (centro_id, tramite_id, n) VALUES (:c, :t, :d)"
    " ON CONFLICT (centro_id, tramite_id) DO UPDATE SET n = espera.n + :d RETURNING n"
)


def ajustar_espera(conn: Connection, centro_id: int, tramite_id: int, delta: int) -> int:
    """Lleva la cuenta de la cola; se llama en la misma transacción que cambia el estado.
    Devuelve la cuenta nueva (para el evento, sin otro SELECT)."""
    return int(conn.execute(_AJUSTAR, {"c": centro_id, "t": tramite_id, "d": delta}).scalar_one())


def cola_de(conn: Connection, centro_id: int, tramites: dict[int, str]) -> dict[str, int]:
    """Espera de solo los trámites que cambiaron ({id: clave}): los eventos llevan diferencias."""
    return {
        clave: int(conn.execute(_COLA_TRAMITE, {"c": centro_id, "t": tid}).scalar() or 0)
        for tid, clave in tramites.items()
    }


_TRAMITES_DE_VENTANILLA = text(
    f"SELECT {_COLUMNAS_TRAMITE} FROM ventanilla_tramite vt"
    " JOIN tramite tr ON tr.id = vt.tramite_id WHERE vt.ventanilla_id = :v"
    " AND tr.activo = true ORDER BY vt.orden, tr.clave"
)


def tramites_de_ventanilla(conn: Connection, ventanilla_id: int) -> list[TramiteInfo]:
    filas = conn.execute(_TRAMITES_DE_VENTANILLA, {"v": ventanilla_id})
    return [TramiteInfo.de_fila(f) for f in filas]


def tramites_de_ventanilla_en(tx: Tx, ventanilla_id: int) -> tuple[TramiteInfo, ...]:
    """`tramites_de_ventanilla` desde la caché del catálogo (ventanilla_tramite también sube la
    versión)."""
    cat = tx.catalogo()
    trs = cat.get(("ventanilla", ventanilla_id))
    if trs is None:
        trs = tuple(tramites_de_ventanilla(tx.conn, ventanilla_id))
        cat[("ventanilla", ventanilla_id)] = trs
        cat.update({("tramite_id", tr.id): tr for tr in trs})  # los turnos que llame
    return trs

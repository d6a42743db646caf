"""Transacciones: un comando = una transacción que también agrega sus eventos a la bitácora.

Los eventos públicos (sin datos personales) salen hacia las pantallas solo después del COMMIT
(y nada si se revierte): con PostgreSQL, por NOTIFY en una transacción propia justo después (ver
`Almacen._notificar`); con SQLite, por la función `al_confirmar` que reparte en el mismo proceso.

Escritor (issue 14, el `execute_write_fn` de Datasette): desde código asíncrono, un comando se
manda con `await alm.escribir(servicio, alm, …)`. En SQLite corre en UN hilo propio del Almacén
y los comandos se forman en su cola sin ocupar hilos del threadpool (antes ~40 hilos hacían fila
en el candado y se peleaban el GIL: p99 de cientos de ms). En PostgreSQL, que escribe en paralelo,
corre en el threadpool como antes. Las lecturas no pasan por aquí.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

import anyio.to_thread
from sqlalchemy import Connection, Engine, text

from turnos.dominio.cadena import calcular_hash
from turnos.eventos.notificar import canal_de, notificar_varios_sql

log = logging.getLogger(__name__)

_AVANZAR = text("UPDATE cadena SET seq = seq + 1 WHERE centro_id = :c RETURNING seq, hash")
_INICIAR = text("INSERT INTO cadena (centro_id, seq, hash) VALUES (:c, 1, :h)")
_PUNTA = text("UPDATE cadena SET hash = :h WHERE centro_id = :c")
_INSERTAR = text(
    "INSERT INTO evento (centro_id, seq, ts_ms, tipo, turno_id, ventanilla_id, usuario_id,"
    " dispositivo_id, datos, publico, hash_previo, hash) VALUES (:centro_id, :seq, :ts_ms, :tipo,"
    " :turno_id, :ventanilla_id, :usuario_id, :dispositivo_id, :datos, :publico, :hash_previo,"
    " :hash)"
)
_SLUG = text("SELECT slug FROM centro WHERE id = :c")
_VERSION_CATALOGO = text("SELECT n FROM version_catalogo")

GENESIS = "0" * 64
HILO_ESCRITOR = "turnos-escritor"

P = ParamSpec("P")
R = TypeVar("R")


def campos_sellados(fila: dict[str, Any]) -> dict[str, Any]:
    """Lo que sella el hash de un evento (la misma función sirve para auditar)."""
    return {
        "centro_id": fila["centro_id"],
        "seq": fila["seq"],
        "ts_ms": fila["ts_ms"],
        "tipo": fila["tipo"],
        "turno_id": fila["turno_id"],
        "ventanilla_id": fila["ventanilla_id"],
        "usuario_id": fila["usuario_id"],
        "dispositivo_id": fila["dispositivo_id"],
        "datos": json.loads(fila["datos"]),
        "publico": json.loads(fila["publico"]),
    }


class CacheCatalogo:
    """Filas del catálogo (centro, trámites, trámites por ventanilla) por proceso, válidas
    mientras no cambie `version_catalogo`. La suben disparadores de la base con toda escritura a
    esas tablas (migración 0006_version_catalogo): ni el SQL a mano ni otro worker se la saltan.

    Una transacción lee la versión (1 sentencia) y, si coincide, usa las filas guardadas; si es
    mayor, empieza una caché nueva. Quien lee una versión menor (su lectura es anterior a la de
    otro hilo que ya vio el cambio) no usa ni llena la caché. Las filas se leen DESPUÉS de la
    versión, así que nunca son más viejas que la versión bajo la que se guardan.

    Límite: una transacción que ESCRIBE el catálogo no debe volver a leerlo por la caché (guardaría
    bajo la versión vieja filas aún sin confirmar); hoy ningún servicio lo hace.
    """

    def __init__(self) -> None:
        self._version = -1
        self._filas: dict[Any, Any] = {}
        self._candado = threading.Lock()

    def vigente(self, version: int) -> dict[Any, Any]:
        with self._candado:
            if version > self._version:
                self._version, self._filas = version, {}
            if version == self._version:
                return self._filas
        return {}  # de esta transacción sola: no se comparte


class Tx:
    """La transacción en curso: conexión y bitácora."""

    def __init__(
        self,
        conn: Connection,
        es_pg: bool,
        slugs: dict[int, str],
        cache: CacheCatalogo | None = None,
    ) -> None:
        self.conn = conn
        self.es_pg = es_pg
        self.publicos: list[dict[str, Any]] = []
        self._slugs = slugs
        self._cache = cache or CacheCatalogo()
        self._catalogo: dict[Any, Any] | None = None

    def catalogo(self) -> dict[Any, Any]:
        """Las filas del catálogo vigentes en esta transacción (lee la versión una vez)."""
        if self._catalogo is None:
            version = self.conn.execute(_VERSION_CATALOGO).scalar_one()
            self._catalogo = self._cache.vigente(int(version))
        return self._catalogo

    def _slug(self, centro_id: int) -> str:
        if centro_id not in self._slugs:  # el slug de un centro no cambia: basta leerlo una vez
            self._slugs[centro_id] = self.conn.execute(_SLUG, {"c": centro_id}).scalar_one()
        return self._slugs[centro_id]

    def recordar_slug(self, centro_id: int, slug: str) -> None:
        """El slug que la transacción ya leyó (el evento lo lleva sin leerlo otra vez)."""
        self._slugs.setdefault(centro_id, slug)

    def ejecutar(self, sql: Any, params: dict[str, Any] | None = None) -> Any:
        return self.conn.execute(sql, params or {})

    def evento(
        self,
        centro_id: int,
        tipo: str,
        ts_ms: int,
        *,
        turno_id: int | None = None,
        ventanilla_id: int | None = None,
        usuario_id: int | None = None,
        dispositivo_id: int | None = None,
        datos: dict[str, Any] | None = None,
        publico: dict[str, Any] | None = None,
    ) -> int:
        """Agrega un evento sellado; devuelve su seq.

        Todo evento tiene forma pública (al menos seq, tipo, ts y centro; `publico` agrega el
        resto): así los seq que reciben las pantallas son contiguos y el replay es exacto.
        """
        fila = self.conn.execute(_AVANZAR, {"c": centro_id}).first()
        if fila is None:
            self.conn.execute(_INICIAR, {"c": centro_id, "h": GENESIS})
            seq, previo = 1, GENESIS
        else:
            seq, previo = fila
        registro = {
            "centro_id": centro_id,
            "seq": seq,
            "ts_ms": ts_ms,
            "tipo": tipo,
            "turno_id": turno_id,
            "ventanilla_id": ventanilla_id,
            "usuario_id": usuario_id,
            "dispositivo_id": dispositivo_id,
            "datos": json.dumps(datos or {}, sort_keys=True, ensure_ascii=False),
        }
        forma_publica = {
            "seq": seq,
            "tipo": tipo,
            "ts": datetime.fromtimestamp(ts_ms / 1000, UTC).isoformat(timespec="seconds"),
            "centro": self._slug(centro_id),
            **(publico or {}),
        }
        registro["publico"] = json.dumps(forma_publica, ensure_ascii=False, separators=(",", ":"))
        registro["hash_previo"] = previo
        registro["hash"] = calcular_hash(previo, campos_sellados(registro))
        self.conn.execute(_INSERTAR, registro)
        self.conn.execute(_PUNTA, {"c": centro_id, "h": registro["hash"]})
        self.publicos.append(forma_publica)
        return seq


class Almacen:
    def __init__(
        self,
        motor: Engine,
        al_confirmar: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> None:
        self.motor = motor
        self.es_pg = motor.dialect.name == "postgresql"
        self.al_confirmar = al_confirmar
        # SQLite admite un escritor a la vez. Formarlos aquí despierta al siguiente en cuanto el
        # anterior confirma; el busy_timeout de SQLite, en cambio, duerme a intervalos de hasta
        # 100 ms. (Otro proceso, como la CLI, sigue esperando con busy_timeout.)
        self._escritura = threading.Lock() if not self.es_pg else None
        self._slugs: dict[int, str] = {}
        self._escritor: ThreadPoolExecutor | None = None  # se crea en la primera escritura
        self._escritor_candado = threading.Lock()
        self.cache_catalogo = CacheCatalogo()
        self._canal: str | None = None  # PostgreSQL: el canal de NOTIFY de este esquema

    async def escribir(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Corre `fn(*args, **kwargs)` (un servicio que abre su `transaccion()`) y devuelve lo que
        devuelva; sus excepciones llegan tal cual.

        SQLite: en el hilo escritor, en orden de llegada; su `transaccion()` toma el candado sin
        competencia (solo lo comparten escrituras de otros hilos: CLI, rutas frías). Si quien
        espera se cancela antes de que empiece, el comando no corre; ya empezado, termina."""
        if self._escritura is None:
            return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
        futuro = self._ejecutor().submit(fn, *args, **kwargs)
        return await asyncio.wrap_future(futuro)

    def _ejecutor(self) -> ThreadPoolExecutor:
        with self._escritor_candado:
            if self._escritor is None:
                self._escritor = ThreadPoolExecutor(1, thread_name_prefix=HILO_ESCRITOR)
            return self._escritor

    def cerrar(self) -> None:
        """Termina el hilo escritor tras correr lo ya formado (el lifespan de la app lo llama al
        apagar). Una escritura posterior crea otro."""
        with self._escritor_candado:
            escritor, self._escritor = self._escritor, None
        if escritor is not None:
            escritor.shutdown(wait=True)

    @contextmanager
    def transaccion(self) -> Iterator[Tx]:
        if self._escritura is not None:
            self._escritura.acquire()
        try:
            with self.motor.begin() as conn:
                tx = Tx(conn, self.es_pg, self._slugs, self.cache_catalogo)
                yield tx
        finally:
            if self._escritura is not None:
                self._escritura.release()
        # Ya confirmado: en PostgreSQL, NOTIFY; en SQLite se reparte en proceso.
        if tx.publicos and self.es_pg:
            self._notificar(tx.publicos)
        if tx.publicos and self.al_confirmar is not None and not self.es_pg:
            self.al_confirmar(tx.publicos)

    def _notificar(self, eventos: list[dict[str, Any]]) -> None:
        """NOTIFY en su propia transacción (autocommit), ya confirmado el cambio.

        Dentro de la transacción del cambio, PostgreSQL tomaría al confirmar un candado global de
        la base y lo sostendría durante el fsync: todos los centros en fila. Aquí la transacción
        no escribe WAL (sin fsync) y suelta el candado enseguida. Si el aviso falla, el cambio ya
        está confirmado: se registra y las pantallas se ponen al día con el replay por seq (el
        siguiente evento del centro deja ver el hueco; al reconectar, `PuentePostgres`)."""
        try:
            with self.motor.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                sql, params = notificar_varios_sql(eventos, self.canal_eventos(c))
                c.execute(text(sql), params)
        except Exception:  # noqa: BLE001 - el cambio ya está confirmado; no se vuelve error
            log.exception("NOTIFY de %d evento(s) falló tras confirmar", len(eventos))

    def canal_eventos(self, conn: Connection | None = None) -> str:
        """El canal de NOTIFY de esta instalación (según su esquema: `notificar.canal_de`); el
        mismo para quien avisa y para quien escucha (`PuentePostgres`). Se lee una vez."""
        if self._canal is None:
            with nullcontext(conn) if conn is not None else self.motor.connect() as c:
                self._canal = canal_de(c.execute(text("SELECT current_schema()")).scalar() or "")
        return self._canal

    @contextmanager
    def lectura(self) -> Iterator[Connection]:
        with self.motor.connect().execution_options(solo_lectura=True) as conn, conn.begin():
            yield conn

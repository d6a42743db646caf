"""`turnos restaurar ARCHIVO` (SQLite): reemplaza la base por un respaldo verificado.

Regla de folios (docs/OPERACION.md): una copia puede ir detrás de lo que ya se imprimió (el
respaldo es de anoche, o un corte de luz se llevó los últimos commits). Para que ningún folio del
día se emita dos veces, al restaurar cada contador del día de cada centro salta a
`piso_tras_restaurar` del mayor número conocido (en la copia o en la base reemplazada, si se
puede leer), y la bitácora de cada centro registra el evento `base_restaurada` con el momento,
el archivo, hasta qué evento llegaba cada base y los pisos.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from turnos.db.almacen import Almacen
from turnos.db.candado import exclusivo, ruta_sqlite
from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor, es_sqlite
from turnos.db.respaldo import copiar_sqlite
from turnos.dominio.numeracion import dia_local, piso_tras_restaurar
from turnos.errores import EntradaInvalida, TurnosError
from turnos.servicios.respaldo import Revision, auditar_todo
from turnos.tiempo import a_ms

SOLO_SQLITE = (
    "`turnos restaurar ARCHIVO` restaura bases SQLite. En PostgreSQL detenga el servicio, use"
    " `pg_restore --clean --if-exists --no-owner -d BASE ARCHIVO.dump` y después"
    " `turnos restaurar --ya-restaurada` (verifica la bitácora y sube los folios del día a una"
    " serie nueva); ver docs/OPERACION.md."
)
_SUFIJOS = ("", "-wal", "-shm", "-journal")
_PISO = text(
    "INSERT INTO contador (centro_id, prefijo, dia, n) VALUES (:c, :p, :d, :n)"
    " ON CONFLICT (centro_id, prefijo, dia) DO UPDATE"
    " SET n = CASE WHEN contador.n > excluded.n THEN contador.n ELSE excluded.n END"
)


@dataclass
class Restauracion:
    antes: Revision
    despues: Revision
    aparte: Path | None  # la base reemplazada (None si no había)
    pisos: dict[str, dict[str, Any]] = field(default_factory=dict)  # slug -> {dia, pisos}
    aviso: str = ""


@dataclass
class _Conocido:
    """Lo que la base reemplazada sabe: contadores (slug, prefijo, día) y punta de cada cadena."""

    contadores: dict[tuple[str, str, str], int] = field(default_factory=dict)
    puntas: dict[str, int] = field(default_factory=dict)
    aviso: str = ""


def _leer_actual(base: Path) -> _Conocido:
    if not base.exists():
        return _Conocido(aviso=f"No había base en {base}: los folios siguen solo de la copia.")
    try:
        conn = sqlite3.connect(base, timeout=30)
        try:
            conn.execute("PRAGMA query_only = ON")
            contadores = {
                (s, p, d): n
                for s, p, d, n in conn.execute(
                    "SELECT c.slug, k.prefijo, k.dia, k.n FROM contador k"
                    " JOIN centro c ON c.id = k.centro_id"
                )
            }
            puntas = dict(
                conn.execute(
                    "SELECT c.slug, k.seq FROM cadena k JOIN centro c ON c.id = k.centro_id"
                )
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:  # la base dañada es justo cuando más se restaura
        return _Conocido(
            aviso=f"No se pudo leer la base actual ({e}): los folios siguen de la copia."
        )
    return _Conocido(contadores, puntas)


def _exigir_integra(rev: Revision, cuando: str, consecuencia: str) -> None:
    if rev.fallas:
        detalle = "; ".join(f"«{s}», evento {f.seq}: {f.motivo}" for s, f in rev.fallas.items())
        raise TurnosError(f"La bitácora {cuando} está alterada ({detalle}). {consecuencia}")


def _registrar(
    alm: Almacen, respaldo: str, aparte: Path | None, conocido: _Conocido, ahora: datetime
) -> dict[str, dict[str, Any]]:
    """Pisos de los contadores del día y el evento `base_restaurada`: una sola transacción."""
    ms, resultado = a_ms(ahora), {}
    with alm.transaccion() as tx:
        for c in tx.ejecutar(text("SELECT id, slug, zona FROM centro ORDER BY id")).all():
            dia = dia_local(ahora, c.zona).isoformat()
            en_copia = dict(
                tx.ejecutar(
                    text("SELECT prefijo, n FROM contador WHERE centro_id = :c AND dia = :d"),
                    {"c": c.id, "d": dia},
                ).all()
            )
            prefijos = {
                p
                for (p,) in tx.ejecutar(
                    text("SELECT DISTINCT prefijo FROM tramite WHERE centro_id = :c"), {"c": c.id}
                )
            }
            prefijos |= set(en_copia) | {
                p for (s, p, d) in conocido.contadores if s == c.slug and d == dia
            }
            pisos = {}
            for p in sorted(prefijos):
                n = max(en_copia.get(p, 0), conocido.contadores.get((c.slug, p, dia), 0))
                pisos[p] = piso_tras_restaurar(n)
                tx.ejecutar(_PISO, {"c": c.id, "p": p, "d": dia, "n": pisos[p]})
            punta = tx.ejecutar(
                text("SELECT seq FROM cadena WHERE centro_id = :c"), {"c": c.id}
            ).scalar()
            tx.evento(
                c.id,
                "base_restaurada",
                ms,
                datos={
                    "respaldo": respaldo,
                    "respaldo_hasta_evento": punta or 0,
                    "base_reemplazada": aparte.name if aparte else None,
                    "reemplazada_hasta_evento": conocido.puntas.get(c.slug),
                    "dia": dia,
                    "pisos": pisos,
                },
            )
            resultado[c.slug] = {"dia": dia, "pisos": pisos}
    return resultado


def _nombre_aparte(base: Path, ahora: datetime) -> Path:
    sello = ahora.strftime("%Y%m%dT%H%M%SZ")
    candidata, n = base.with_name(f"{base.name}.reemplazada-{sello}"), 1
    while candidata.exists():
        n += 1
        candidata = base.with_name(f"{base.name}.reemplazada-{sello}-{n}")
    return candidata


def _mover(origen: Path, destino: Path) -> None:
    """Mueve la base junto con su -wal/-shm (se guarda aparte; nada se borra)."""
    for sufijo in _SUFIJOS:
        archivo = origen.with_name(origen.name + sufijo)
        if archivo.exists():
            os.replace(archivo, destino.with_name(destino.name + sufijo))


def _borrar(base: Path) -> None:
    for sufijo in _SUFIJOS:
        base.with_name(base.name + sufijo).unlink(missing_ok=True)


def _cerrar_wal(base: Path) -> None:
    """Vacía el WAL en el archivo principal: la base queda completa en un solo archivo."""
    conn = sqlite3.connect(base)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for sufijo in ("-wal", "-shm"):
        base.with_name(base.name + sufijo).unlink(missing_ok=True)


NADA_CAMBIO = "No se restauró nada."


def _verificar_y_marcar(
    url: str,
    respaldo: str,
    aparte: Path | None,
    conocido: _Conocido,
    ahora: datetime,
    si_falla: str,
) -> tuple[Revision, Revision, dict[str, dict[str, Any]]]:
    """Auditoría, pisos y evento, auditoría otra vez (el mismo código que `turnos auditar`)."""
    motor = crear_motor(url, pool_size=1)
    try:
        migrar(motor)  # un respaldo de una versión anterior queda al día
        alm = Almacen(motor)
        antes = auditar_todo(alm)
        _exigir_integra(antes, f"de {respaldo}", si_falla)
        pisos = _registrar(alm, respaldo, aparte, conocido, ahora)
        despues = auditar_todo(alm)
        _exigir_integra(despues, "tras restaurar", si_falla)
    finally:
        motor.dispose()
    return antes, despues, pisos


def marcar_restaurada(url: str, ahora: datetime) -> Restauracion:
    """La base ya se restauró por otro medio (`pg_restore`): verifica la bitácora, sube los
    contadores del día a la serie nueva y registra `base_restaurada`. Seguro aun con el servidor
    corriendo: los pisos solo suben y el evento entra a la cadena como cualquier otro."""
    antes, despues, pisos = _verificar_y_marcar(
        url,
        "una restauración externa (pg_restore)",
        None,
        _Conocido(),
        ahora,
        "No se registró la restauración; revise con `turnos auditar`.",
    )
    return Restauracion(antes, despues, None, pisos)


def restaurar(url: str, archivo: Path, ahora: datetime) -> Restauracion:
    if not es_sqlite(url):
        raise EntradaInvalida(SOLO_SQLITE)
    base = ruta_sqlite(url)
    if base is None:
        raise EntradaInvalida("Indique una base SQLite de archivo (`--db sqlite:///ruta.db`).")
    if not archivo.is_file():
        raise EntradaInvalida(f"No existe el archivo de respaldo {archivo}.")
    with exclusivo(base):
        # Todo se prepara en un archivo aparte; la base actual solo se toca al final, con rename.
        preparada = base.with_name(base.name + ".restaurando")
        _borrar(preparada)
        try:
            copiar_sqlite(archivo, preparada)
            conocido = _leer_actual(base)
            # Un -wal suelto de una base perdida no debe aplicarse a la restaurada: se aparta.
            hay_algo = any(base.with_name(base.name + s).exists() for s in _SUFIJOS)
            aparte = _nombre_aparte(base, ahora) if hay_algo else None
            antes, despues, pisos = _verificar_y_marcar(
                f"sqlite:///{preparada}", archivo.name, aparte, conocido, ahora, NADA_CAMBIO
            )
            _cerrar_wal(preparada)
            if aparte is not None:
                _mover(base, aparte)
            os.replace(preparada, base)
        except BaseException:
            _borrar(preparada)
            raise
    return Restauracion(antes, despues, aparte, pisos, conocido.aviso)

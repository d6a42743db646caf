"""Registro de la cita al llegar (kiosco o recepción) e inasistencias del día.

Registrar convierte la cita en un turno de clase `cita` con la hora de su horario (la política
de enrutamiento le da su ventaja si llegó a tiempo), en la MISMA transacción que cambia la cita.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from citas import lecturas
from citas.estados import AccionCita, EstadoCita, Llegada, llegada, transicion, vencida
from turnos.db.almacen import Almacen
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import consultas, emision
from turnos.tiempo import a_ms, iso

_POR_FOLIO = text(
    "SELECT ci.id, ci.folio, ci.estado, ci.inicio_ms, ci.tramite_id, tr.clave AS tramite_clave"
    " FROM cita ci JOIN tramite tr ON tr.id = ci.tramite_id"
    " WHERE ci.centro_id = :c AND ci.folio = :folio"
)
_REGISTRAR = text(
    "UPDATE cita SET estado = 'registrada', registrado_ms = :ms, actualizado_ms = :ms,"
    " turno_id = (SELECT id FROM turno WHERE token = :token AND tramo = 1)"
    " WHERE id = :id AND estado = 'agendada' RETURNING turno_id"
)


def normalizar_folio(texto: str) -> str:
    """`c-7k3m9p`, `C7K3M9P` o lo que teclea un lector de QR → `C-7K3M9P`."""
    limpio = "".join(ch for ch in texto.upper() if ch.isalnum())
    if len(limpio) == 6:
        limpio = "C" + limpio
    if len(limpio) != 7 or not limpio.startswith("C"):
        raise EntradaInvalida("Escriba el folio de su cita tal como aparece en su confirmación.")
    return f"C-{limpio[1:]}"


def _hora(ms: int, zona: str) -> str:
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(zona)).strftime("%H:%M")


def registrar(
    alm: Almacen, centro_slug: str, folio_texto: str, actor: Actor | None, ahora: datetime
) -> dict[str, Any]:
    folio = normalizar_folio(folio_texto)
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        exigir(actor, Permiso.EMITIR, c.id)
        f = tx.ejecutar(_POR_FOLIO, {"c": c.id, "folio": folio}).first()
        if f is None:
            raise NoEncontrado(
                "No encontramos una cita con ese folio en este centro; revise su confirmación.",
                "cita_no_encontrada",
            )
        transicion(EstadoCita(f.estado), AccionCita.REGISTRAR)
        reglas = lecturas.ajustes(tx.conn, c.id)
        inicio = datetime.fromtimestamp(f.inicio_ms / 1000, UTC)
        cuando = llegada(inicio, ahora, reglas["antes_min"], reglas["despues_min"])
        if cuando == Llegada.TEMPRANA:
            desde = f.inicio_ms - reglas["antes_min"] * 60_000
            raise Conflicto(
                f"Llegó con tiempo: su cita es a las {_hora(f.inicio_ms, c.zona)}. Puede"
                f" registrarla a partir de las {_hora(desde, c.zona)}.",
                "cita_temprana",
            )
        if cuando == Llegada.TARDE:
            raise Conflicto(
                f"Su cita era a las {_hora(f.inicio_ms, c.zona)} y ya pasó la tolerancia de"
                f" {reglas['despues_min']} minutos. Puede tomar un turno general.",
                "cita_tarde",
            )
        tr = consultas.tramite(tx.conn, c.id, f.tramite_clave)
        turno = emision.emitir_en(
            tx, c, tr, actor, ahora, clase="cita", origen="cita", cita_ms=f.inicio_ms
        )
        turno_id = tx.ejecutar(
            _REGISTRAR, {"ms": ms, "token": turno["token"], "id": f.id}
        ).scalar_one_or_none()
        if turno_id is None:
            raise Conflicto(
                "Esta cita ya se registró; su turno ya está en la fila.", "cita_registrada"
            )
        tx.evento(
            c.id,
            "cita_registrada",
            ms,
            turno_id=turno_id,
            usuario_id=actor.usuario_id if actor else None,
            dispositivo_id=actor.dispositivo_id if actor else None,
            datos={"folio": folio, "tramite": tr.clave, "inicio_ms": f.inicio_ms},
            publico={"cita": {"tramite": tr.clave, "estado": "registrada"}},
        )
    return {**turno, "cita": {"folio": folio, "inicio": iso(f.inicio_ms, c.zona)}}


_PENDIENTES = text(
    "SELECT ci.id, ci.folio, ci.inicio_ms, ci.centro_id, tr.clave AS tramite_clave"
    " FROM cita ci JOIN tramite tr ON tr.id = ci.tramite_id"
    " WHERE ci.estado = 'agendada' AND ci.inicio_ms < :ms ORDER BY ci.inicio_ms"
)
_NO_PRESENTADA = text(
    "UPDATE cita SET estado = 'no_presentada', actualizado_ms = :ms"
    " WHERE id = :id AND estado = 'agendada'"
)


def marcar_inasistencias(alm: Almacen, ahora: datetime) -> int:
    """Citas agendadas cuya ventana de llegada ya cerró → no_presentada. Idempotente: correrlo
    dos veces no cambia nada la segunda; cada cita cambia en una sola transacción."""
    ms = a_ms(ahora)
    with alm.lectura() as conn:
        pendientes = conn.execute(_PENDIENTES, {"ms": ms}).all()
    marcadas = 0
    for p in pendientes:
        with alm.transaccion() as tx:
            reglas = lecturas.ajustes(tx.conn, p.centro_id)
            inicio = datetime.fromtimestamp(p.inicio_ms / 1000, UTC)
            if not vencida(inicio, ahora, reglas["despues_min"]):
                continue
            if tx.ejecutar(_NO_PRESENTADA, {"ms": ms, "id": p.id}).rowcount != 1:
                continue  # otro proceso (o un registro de último momento) ganó
            tx.evento(
                p.centro_id,
                "cita_no_presentada",
                ms,
                datos={"folio": p.folio, "tramite": p.tramite_clave, "inicio_ms": p.inicio_ms},
                publico={"cita": {"tramite": p.tramite_clave, "estado": "no_presentada"}},
            )
            marcadas += 1
    return marcadas

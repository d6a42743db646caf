"""Salvaguardas de «no se presentó» y «Reincorporar» (reglas puras en `dominio/ausencia.py`).

- `exigir_ausente`: lo llama `atencion.actuar` antes de marcar ausente; 409
  `ausente_prematuro` si aún no hubo rellamada ni pasaron `ausente_tras_s` desde el llamado.
- `reincorporar`: deshace la última ausencia de la ventanilla dentro de la ventana del centro. El
  turno vuelve a la fila dirigido a ESA ventanilla y al frente (la persona está ahí mismo: el
  siguiente «Llamar» la trae), con su evento `turno_reincorporado` y el gancho
  `capacidades.al_reabrir_turno` (la cita vuelve de `no_presentada` a `registrada`). Su espera
  sigue contando desde que entró a la fila (los KPI no la reinician).
- `vista_publica`: lo que el teléfono del ciudadano sabe de su ausencia (provisional/definitiva).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from turnos import capacidades
from turnos.capacidades import ReaperturaTurno
from turnos.db.almacen import Almacen
from turnos.dominio.ausencia import (
    MAXIMO_S,
    Salvaguardas,
    definitiva,
    falta_para_ausente_s,
    motivo_ausente_bloqueado,
    reincorporable_hasta_ms,
)
from turnos.dominio.estados import EVENTOS, Accion, EstadoTurno
from turnos.enteros import entero
from turnos.errores import Conflicto, NoEncontrado
from turnos.permisos import Actor
from turnos.servicios import consultas
from turnos.servicios.consultas import TurnoInfo
from turnos.servicios.transiciones import mover_turno
from turnos.tiempo import a_ms, iso

_SALVAGUARDAS = text("SELECT ausente_tras_s, reincorporar_s FROM centro WHERE id = :c")
_ULTIMO_AUSENTE = text(
    "SELECT id, fin_ms FROM turno WHERE ventanilla_id = :v AND estado = :ausente"
    " ORDER BY fin_ms DESC, id DESC LIMIT 1"
)
_VOLVER = (
    "llamado_ms = NULL, inicio_ms = NULL, fin_ms = NULL, llamadas = 0, ventanilla_id = NULL,"
    " usuario_id = NULL, ventanilla_destino_id = :v, usuario_destino_id = NULL, al_frente = true"
)


def salvaguardas(conn: Connection, centro_id: int) -> Salvaguardas:
    f = conn.execute(_SALVAGUARDAS, {"c": centro_id}).one()
    return Salvaguardas(int(f.ausente_tras_s), int(f.reincorporar_s))


def guardar_salvaguardas(conn: Connection, centro_id: int, ausente_tras: Any,
                         reincorporar: Any) -> dict[str, int]:  # fmt: skip
    """Valida (segundos enteros de 0 a 24 h) y guarda las dos salvaguardas del centro."""
    valores = {
        "a": entero(
            ausente_tras, "Segundos antes de poder marcar ausente", minimo=0, maximo=MAXIMO_S
        ),
        "r": entero(reincorporar, "Segundos para poder reincorporar", minimo=0, maximo=MAXIMO_S),
    }
    conn.execute(
        text("UPDATE centro SET ausente_tras_s = :a, reincorporar_s = :r WHERE id = :c"),
        {**valores, "c": centro_id},
    )
    return valores


def guardar_config(alm: Almacen, centro_slug: str, ausente_tras: Any, reincorporar: Any,
                   ahora: datetime) -> None:  # fmt: skip
    """Administración del centro: las dos salvaguardas, con su evento en la bitácora."""
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        valores = guardar_salvaguardas(tx.conn, c.id, ausente_tras, reincorporar)
        tx.evento(
            c.id,
            "salvaguardas_guardadas",
            a_ms(ahora),
            datos={"ausente_tras_s": valores["a"], "reincorporar_s": valores["r"]},
        )


def exigir_ausente(conn: Connection, t: TurnoInfo, ms: int) -> None:
    """409 claro si todavía no se puede marcar «no se presentó» (regla del servidor)."""
    s = salvaguardas(conn, t.centro_id)
    falta = falta_para_ausente_s(t.llamadas, t.llamado_ms, ms, s)
    if falta:
        raise Conflicto(motivo_ausente_bloqueado(falta, s), "ausente_prematuro")


def estado_ausente(conn: Connection, turno_id: int, ms: int) -> dict[str, Any]:
    """Para la página: si el botón «No se presentó» está habilitado y, si no, por qué."""
    t = consultas.turno(conn, turno_id)
    s = salvaguardas(conn, t.centro_id)
    falta = falta_para_ausente_s(t.llamadas, t.llamado_ms, ms, s)
    return {
        "permitido": falta == 0,
        "motivo": motivo_ausente_bloqueado(falta, s) if falta else "",
        "en_ms": ms + falta * 1000 if falta else None,
        "falta_s": falta,  # la página se vuelve a pedir sola entonces (ventanilla.js)
    }


def reincorporable(
    conn: Connection, ventanilla_id: int, ms: int, zona: str
) -> dict[str, Any] | None:
    """La última ausencia de la ventanilla si todavía se puede deshacer (para la página)."""
    f = conn.execute(
        _ULTIMO_AUSENTE, {"v": ventanilla_id, "ausente": EstadoTurno.AUSENTE.value}
    ).first()
    if f is None:
        return None
    t = consultas.turno(conn, f.id)
    s = salvaguardas(conn, t.centro_id)
    if definitiva(t.fin_ms, ms, s):
        return None
    assert t.fin_ms is not None
    hasta = iso(reincorporable_hasta_ms(t.fin_ms, s), zona) or ""
    return {"folio": t.folio, "hasta": hasta, "hora": hasta[11:16]}


def reincorporar(
    alm: Almacen, centro_slug: str, numero: int, actor: Actor | None, ahora: datetime
) -> dict[str, Any]:
    """Deshace el último «no se presentó» de la ventanilla (dentro de la ventana del centro)."""
    from turnos.servicios import atencion  # atencion importa este módulo al marcar ausente

    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        p = atencion.puesto(tx, centro_slug, numero, actor)
        c, v, quien = p.centro, p.ventanilla, p.actor
        f = tx.ejecutar(_ULTIMO_AUSENTE, {"v": v.id, "ausente": EstadoTurno.AUSENTE.value}).first()
        if f is None:
            raise NoEncontrado(
                f"La ventanilla {numero} no tiene un turno marcado «no se presentó».",
                "sin_ausente",
            )
        t = consultas.turno(tx.conn, f.id)
        s = salvaguardas(tx.conn, c.id)
        if definitiva(t.fin_ms, ms, s):
            raise Conflicto(
                f"Ya pasaron más de {s.reincorporar_s} s desde que el turno {t.folio} se marcó"
                " «no se presentó»: la ausencia es definitiva. Puede tomar un turno nuevo.",
                "reincorporar_vencido",
            )
        mover_turno(
            tx,
            t.id,
            EstadoTurno.AUSENTE,
            Accion.REINCORPORAR,
            _VOLVER,
            conflicto="El turno cambió mientras se reincorporaba; intente de nuevo.",
            v=v.id,
        )
        consultas.ajustar_espera(tx.conn, c.id, t.tramite_id, +1)
        capacidades.al_reabrir_turno(
            tx,
            ReaperturaTurno(
                centro_id=c.id,
                turno_id=t.raiz_id or t.id,
                tramo_id=t.id,
                tramite_clave=t.tramite_clave,
                ventanilla_id=v.id,
                usuario_id=quien.usuario_id,
                estado_previo=EstadoTurno.AUSENTE.value,
                ms=ms,
            ),
        )
        atencion.publicar(
            tx,
            c,
            v,
            t,
            EVENTOS[Accion.REINCORPORAR],
            ms,
            quien,
            EstadoTurno.EN_ESPERA.value,
            {"ausente_ms": t.fin_ms},
            cola={t.tramite_id: t.tramite_clave},
        )
        return {"folio": t.folio, "estado": EstadoTurno.EN_ESPERA.value, "ventanilla": v.numero}


def vista_publica(conn: Connection, turno_id: int, estado: str, ms: int) -> dict[str, Any]:
    """``"ausencia"`` en la vista pública: null si el turno no está ausente; si lo está,
    ``{"definitiva", "hasta", "ventanilla"}`` (mientras no sea definitiva, el ciudadano todavía
    puede acercarse a esa ventanilla)."""
    if estado != EstadoTurno.AUSENTE.value:
        return {"ausencia": None}
    f = conn.execute(
        text(
            "SELECT t.fin_ms, t.centro_id, c.zona, v.numero, v.nombre FROM turno t"
            " JOIN centro c ON c.id = t.centro_id LEFT JOIN ventanilla v ON v.id = t.ventanilla_id"
            " WHERE t.id = :t"
        ),
        {"t": turno_id},
    ).one()
    s = salvaguardas(conn, f.centro_id)
    es_definitiva = definitiva(f.fin_ms, ms, s)
    return {
        "ausencia": {
            "definitiva": es_definitiva,
            "hasta": None
            if f.fin_ms is None
            else iso(reincorporable_hasta_ms(f.fin_ms, s), f.zona),
            "ventanilla": (
                None
                if es_definitiva or f.numero is None
                else {"numero": f.numero, "nombre": f.nombre}
            ),
        }
    }

"""Transferir el turno en curso de una ventanilla: a otro trámite, a una ventanilla o a una
persona del personal, primero o último en esa fila, con el motivo en la bitácora.

Transferir cierra el tramo (estado `transferido`) y abre otro con el mismo folio y token que
entra a la fila al transferir (la espera del tramo nuevo empieza ahí, docs/KPIS.md). El tramo
nuevo puede ir *dirigido* (`ventanilla_destino_id` o `usuario_destino_id`): solo esa ventanilla,
o la ventanilla que esa persona atiende, lo llama; y *al frente* (`posicion="primero"`): va antes
que todos los que esa(s) ventanilla(s) pueden llamar. La regla la aplica la política pura
(`dominio/enrutamiento.py`, filas `@v{id}` / `@u{id}`) tanto al llamar como al estimar.

Dirigir un turno a alguien o ponerlo al frente altera el orden automático (medida
anticorrupción, DESIGN §3): por eso esas transferencias exigen motivo.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from turnos.db.almacen import Almacen, Tx
from turnos.dominio.enrutamiento import Candidato, fila_persona, fila_ventanilla
from turnos.dominio.estados import EVENTOS, Accion, AccionVentanilla, Clase, EstadoTurno
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado
from turnos.permisos import Actor
from turnos.servicios import consultas, vistas
from turnos.servicios.consultas import TurnoInfo
from turnos.servicios.transiciones import mover_turno, mover_ventanilla
from turnos.tiempo import a_ms

POSICIONES = ("ultimo", "primero")
_CERRAR_TRAMO = "inicio_ms = COALESCE(inicio_ms, llamado_ms), fin_ms = :ms"
_CLASE = {c.value: c for c in Clase}
_ROLES_QUE_ATIENDEN = ("ventanilla", "jefe", "admin")

# Los turnos en espera que no están en la fila normal de su trámite (dirigidos o al frente):
# pocos, y con su índice parcial (ix_turno_especial) no se recorre la cola.
ESPECIALES = text(
    "SELECT t.id, t.tramite_id, t.clase, t.en_cola_ms, t.cita_ms, t.al_frente,"
    " t.ventanilla_destino_id, t.usuario_destino_id, tr.espera_maxima_min"
    " FROM turno t JOIN tramite tr ON tr.id = t.tramite_id"
    " WHERE t.centro_id = :c AND t.estado = 'en_espera' AND (t.al_frente = true"
    " OR t.ventanilla_destino_id IS NOT NULL OR t.usuario_destino_id IS NOT NULL)"
)
# La condición que excluye a esos turnos de la fila normal de su trámite.
SIN_ESPECIALES = (
    " AND al_frente = false AND ventanilla_destino_id IS NULL AND usuario_destino_id IS NULL"
)


def fila(tramite_id: int, ventanilla_destino: int | None, usuario_destino: int | None) -> str:
    """La fila de la política: el trámite, o la ventanilla/persona a la que va dirigido."""
    if ventanilla_destino is not None:
        return fila_ventanilla(ventanilla_destino)
    if usuario_destino is not None:
        return fila_persona(usuario_destino)
    return str(tramite_id)


def candidato_especial(f: Any) -> Candidato:
    return Candidato(
        id=f.id,
        tramite=fila(f.tramite_id, f.ventanilla_destino_id, f.usuario_destino_id),
        clase=_CLASE[f.clase],
        en_cola_ms=f.en_cola_ms,
        espera_maxima_s=(f.espera_maxima_min or 0) * 60 or None,
        cita_ms=f.cita_ms,
        al_frente=bool(f.al_frente),
    )


def especiales(conn: Connection, centro_id: int) -> list[Candidato]:
    """Los turnos dirigidos o al frente del centro, como candidatos de la política."""
    return [candidato_especial(f) for f in conn.execute(ESPECIALES, {"c": centro_id})]


def _persona(conn: Connection, centro_id: int, usuario: str) -> int:
    f = conn.execute(
        text("SELECT id, rol, activo, centro_id FROM usuario WHERE usuario = :u"),
        {"u": usuario.strip().lower()[:60]},
    ).first()
    if (
        f is None
        or not f.activo
        or f.rol not in _ROLES_QUE_ATIENDEN
        or f.centro_id not in (None, centro_id)
    ):
        raise NoEncontrado(
            f"No hay una persona del personal «{usuario[:60]}» que atienda en este centro.",
            "persona_no_encontrada",
        )
    return int(f.id)


def transferir(
    alm: Almacen,
    centro_slug: str,
    numero: int,
    actor: Actor | None,
    ahora: datetime,
    *,
    tramite: str | None = None,
    ventanilla: int | None = None,
    usuario: str | None = None,
    posicion: str = "ultimo",
    motivo: str = "",
) -> dict[str, Any]:
    """Transfiere el turno en curso de la ventanilla `numero` (ver el docstring del módulo)."""
    from turnos.servicios import atencion  # atencion delega aquí la acción «transferir»

    ms = a_ms(ahora)
    motivo = motivo.strip()[:300]
    if posicion not in POSICIONES:
        raise EntradaInvalida("La posición en la fila destino es «primero» o «ultimo».")
    if ventanilla is not None and usuario:
        raise EntradaInvalida("Transfiera a una ventanilla o a una persona, no a ambas.")
    if tramite is None and ventanilla is None and not usuario:
        raise EntradaInvalida("Indique el trámite, la ventanilla o la persona destino.")
    dirigido = ventanilla is not None or bool(usuario)
    if (dirigido or posicion == "primero") and not motivo:
        raise EntradaInvalida(
            "Para transferir a una ventanilla o persona, o al frente de la fila, indique el"
            " motivo (queda en la bitácora de auditoría)."
        )
    with alm.transaccion() as tx:
        p = atencion.puesto(tx, centro_slug, numero, actor)
        c, v, quien = p.centro, p.ventanilla, p.actor
        if p.actual is None:
            raise Conflicto(f"La ventanilla {numero} no tiene un turno llamado o en atención.")
        t = consultas.turno(tx.conn, p.actual)
        destino = consultas.tramite(tx.conn, c.id, tramite) if tramite else None
        tramite_id = destino.id if destino else t.tramite_id
        tramite_clave = destino.clave if destino else t.tramite_clave
        v_destino = u_destino = None
        datos: dict[str, Any] = {"destino": tramite_clave, "posicion": posicion, "motivo": motivo}
        if ventanilla is not None:
            vd = consultas.ventanilla(tx.conn, c.id, ventanilla)
            if vd.id == v.id:
                raise EntradaInvalida("El turno ya está en esta ventanilla; elija otra.")
            v_destino = vd.id
            datos["ventanilla_destino"] = vd.numero
        elif usuario:
            u_destino = _persona(tx.conn, c.id, usuario)
            if u_destino == quien.usuario_id:
                raise EntradaInvalida("El turno ya lo atiende usted; elija a otra persona.")
            datos["usuario_destino"] = u_destino  # el id, nunca el nombre
        elif tramite_id == t.tramite_id:
            raise EntradaInvalida("El turno ya está en ese trámite; elija otro.")
        mover_turno(tx, t.id, t.estado, Accion.TRANSFERIR, _CERRAR_TRAMO, ms=ms)
        mover_ventanilla(tx, v.id, v.estado, AccionVentanilla.DESOCUPAR)
        nuevo_tramo(tx, t, tramite_id, ms, v_destino, u_destino, posicion == "primero")
        atencion.publicar(
            tx,
            c,
            v,
            t,
            EVENTOS[Accion.TRANSFERIR],
            ms,
            quien,
            EstadoTurno.TRANSFERIDO.value,
            datos,
            cola={tramite_id: tramite_clave},
            destino=tramite_clave,
        )
        return vistas.turno_staff(tx.conn, t.id, c.zona)


def nuevo_tramo(
    tx: Tx,
    t: TurnoInfo,
    tramite_id: int,
    ms: int,
    ventanilla_destino: int | None = None,
    usuario_destino: int | None = None,
    al_frente: bool = False,
) -> None:
    """Mismo folio y token; la espera del nuevo tramo empieza al transferir."""
    consultas.ajustar_espera(tx.conn, t.centro_id, tramite_id, +1)
    tx.ejecutar(
        text(
            "INSERT INTO turno (centro_id, raiz_id, tramo, folio, dia, token, tramite_id, clase,"
            " origen, estado, en_cola_ms, cita_ms, llamadas, motivo, nombre, contacto,"
            " ventanilla_destino_id, usuario_destino_id, al_frente) VALUES"
            " (:c, :raiz, :tramo, :folio, :dia, :token, :t, :clase, :origen, :espera, :ms,"
            " NULL, 0, '', :nombre, :contacto, :vd, :ud, :frente)"
        ),
        {
            "c": t.centro_id,
            "raiz": t.raiz_id or t.id,
            "tramo": t.tramo + 1,
            "folio": t.folio,
            "dia": t.dia,
            "token": t.token,
            "t": tramite_id,
            "clase": t.clase,
            "origen": t.origen,
            "ms": ms,
            "nombre": t.nombre,
            "contacto": t.contacto,
            "espera": EstadoTurno.EN_ESPERA.value,
            "vd": ventanilla_destino,
            "ud": usuario_destino,
            "frente": al_frente,
        },
    )

"""Acciones de una ventanilla sobre su turno: llamar, rellamar, iniciar, finalizar, ausente,
transferir y registrar datos del usuario atendido. Cada una, una transacción."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, text

from turnos.db.almacen import Almacen, Tx
from turnos.dominio.enrutamiento import Candidato, ordenar
from turnos.dominio.estados import Accion, Clase, EstadoTurno, nombre_estado, transicion
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado, Prohibido
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import consultas
from turnos.servicios.consultas import CentroInfo
from turnos.servicios.vistas import evento_publico, turno_evento, ventanilla_evento
from turnos.tiempo import a_ms, iso

POR_GRUPO = 3  # cabezas por (trámite, clase): la política solo necesita la cabeza de cada fila

_GRUPO = (
    "SELECT * FROM (SELECT id, tramite_id, clase, en_cola_ms, cita_ms FROM turno"
    " WHERE centro_id = :c AND estado = 'en_espera' AND tramite_id = :t{i} AND clase = :cl{i}"
    " AND id NOT IN :vistos ORDER BY en_cola_ms, id LIMIT :k) g{i}"
)
_CLASES = [c.value for c in Clase]
_CONSULTAS_CANDIDATOS: dict[int, Any] = {}


def _candidatos_sql(n_tramites: int) -> Any:
    """UNION ALL de las cabezas de cada fila (trámite, clase): cada parte usa el índice ix_turno_cola
    y lee a lo más POR_GRUPO filas, así que llamar no cuesta más con una cola larga."""
    if n_tramites not in _CONSULTAS_CANDIDATOS:
        partes = [_GRUPO.format(i=i) for i in range(n_tramites * len(_CLASES))]
        _CONSULTAS_CANDIDATOS[n_tramites] = text(" UNION ALL ".join(partes)).bindparams(
            bindparam("vistos", expanding=True)
        )
    return _CONSULTAS_CANDIDATOS[n_tramites]


_BLOQUEAR_PG = text(
    "SELECT id FROM turno WHERE id = :id AND estado = 'en_espera' FOR UPDATE SKIP LOCKED"
)
_RECLAMAR = text(
    "UPDATE turno SET estado = 'llamado', llamado_ms = :ms, llamadas = 1, ventanilla_id = :v,"
    " usuario_id = :u, motivo = :motivo WHERE id = :id AND estado = 'en_espera'"
)
_TURNO = text(
    "SELECT t.*, tr.clave AS tramite_clave, tr.nombre AS tramite_nombre,"
    " tr.atencion_maxima_min, tr.espera_maxima_min FROM turno t"
    " JOIN tramite tr ON tr.id = t.tramite_id WHERE t.id = :id"
)
_ACTUAL = text(
    "SELECT id FROM turno WHERE ventanilla_id = :v AND estado IN ('llamado', 'en_atencion')"
)


def _contexto(tx: Tx, centro_slug: str, numero: int, actor: Actor | None) -> tuple[CentroInfo, Any]:
    c = consultas.centro(tx.conn, centro_slug)
    actor = exigir(actor, Permiso.OPERAR, c.id)
    v = consultas.ventanilla(tx.conn, c.id, numero, bloquear=True)
    if (
        v.usuario_id is not None
        and v.usuario_id != actor.usuario_id
        and not actor.puede(Permiso.OPERAR_CUALQUIERA, c.id)
    ):
        raise Prohibido(f"La ventanilla {numero} la atiende otra persona.")
    return c, v


def turno_staff(conn: Connection, turno_id: int, zona: str) -> dict[str, Any]:
    """El turno como lo ve el personal en su ventanilla."""
    t = conn.execute(_TURNO, {"id": turno_id}).one()
    return {
        "folio": t.folio,
        "tramite": t.tramite_clave,
        "tramite_nombre": t.tramite_nombre,
        "clase": t.clase,
        "origen": t.origen,
        "estado": t.estado,
        "estado_texto": nombre_estado(EstadoTurno(t.estado)),
        "tramo": t.tramo,
        "llamadas": t.llamadas,
        "en_cola": iso(t.en_cola_ms, zona),
        "llamado": iso(t.llamado_ms, zona),
        "inicio": iso(t.inicio_ms, zona),
        "fin": iso(t.fin_ms, zona),
        "inicio_ms": t.inicio_ms or t.llamado_ms,
        "atencion_maxima_min": t.atencion_maxima_min,
        "datos_registrados": bool(t.nombre),
    }


def turno_actual(conn: Connection, ventanilla_id: int) -> int | None:
    return conn.execute(_ACTUAL, {"v": ventanilla_id}).scalar()


def _publicar(
    tx: Tx,
    c: CentroInfo,
    v: Any,
    t: Any,
    tipo: str,
    ms: int,
    actor: Actor,
    estado: str,
    datos: dict[str, Any] | None = None,
    cola: bool = False,
    **extra: Any,
) -> None:
    partes: dict[str, Any] = {
        "turno": turno_evento(t, t.tramite_clave, t.tramite_nombre, estado),
        "ventanilla": ventanilla_evento(v),
        **extra,
    }
    if cola:
        partes["cola"] = consultas.cola_de(tx.conn, c.id, cola)
    tx.evento(
        c.id,
        tipo,
        ms,
        turno_id=t.id,
        ventanilla_id=v.id,
        usuario_id=actor.usuario_id,
        datos={
            "folio": t.folio,
            "tramite": t.tramite_clave,
            "ventanilla": v.numero,
            **(datos or {}),
        },
        publico=evento_publico(c, ms, **partes),
    )


def _exigir_abierta(v: Any) -> None:
    if v.estado not in ("abierta", "atendiendo"):
        estado = "en pausa" if v.estado == "en_pausa" else "cerrada"
        raise Conflicto(f"La ventanilla {v.numero} está {estado}; ábrala para llamar turnos.")


def _reclamar_siguiente(tx: Tx, c: CentroInfo, v: Any, ms: int) -> int | None:
    tramites = consultas.tramites_de_ventanilla(tx.conn, v.id)
    if not tramites:
        raise Conflicto(f"La ventanilla {v.numero} no tiene trámites asignados.")
    maximos = {tr.id: tr.espera_maxima_min for tr in tramites}
    orden = [str(tr.id) for tr in tramites]
    vistos: list[int] = [-1]
    params: dict[str, Any] = {"c": c.id, "k": POR_GRUPO}
    for i, (tid, clase) in enumerate((tid, cl) for tid in maximos for cl in _CLASES):
        params[f"t{i}"], params[f"cl{i}"] = tid, clase
    for _ in range(20):  # cada vuelta descarta los que otra ventanilla ganó
        filas = tx.ejecutar(_candidatos_sql(len(maximos)), {**params, "vistos": vistos}).all()
        if not filas:
            return None
        candidatos = [
            Candidato(
                id=f.id,
                tramite=str(f.tramite_id),
                clase=Clase(f.clase),
                en_cola_ms=f.en_cola_ms,
                espera_maxima_s=(maximos[f.tramite_id] or 0) * 60 or None,
                cita_ms=f.cita_ms,
            )
            for f in filas
        ]
        for cand in ordenar(candidatos, ms, c.politica, orden):
            vistos.append(cand.id)
            if tx.es_pg and tx.ejecutar(_BLOQUEAR_PG, {"id": cand.id}).first() is None:
                continue
            return cand.id
    return None


def llamar(
    alm: Almacen,
    centro_slug: str,
    numero: int,
    actor: Actor | None,
    ahora: datetime,
    *,
    folio: str | None = None,
    motivo: str = "",
) -> dict[str, Any] | None:
    """Llama al siguiente según la política, o a `folio` (fuera de orden: exige motivo).

    None si nadie espera.
    """
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c, v = _contexto(tx, centro_slug, numero, actor)
        assert actor is not None
        _exigir_abierta(v)
        actual = turno_actual(tx.conn, v.id)
        if actual is not None:
            t = tx.ejecutar(_TURNO, {"id": actual}).one()
            raise Conflicto(
                f"La ventanilla {numero} ya tiene el turno {t.folio}; finalícelo o márquelo ausente."
            )
        if folio:
            motivo = motivo.strip()
            if not motivo:
                raise EntradaInvalida("Para llamar un turno fuera de orden indique el motivo.")
            turno_id = tx.ejecutar(
                text(
                    "SELECT id FROM turno WHERE centro_id = :c AND folio = :f AND estado = 'en_espera'"
                    " ORDER BY en_cola_ms DESC LIMIT 1"
                ),
                {"c": c.id, "f": folio.strip().upper()},
            ).scalar()
            if turno_id is None:
                raise NoEncontrado(f"No hay un turno {folio} en espera.", "turno_no_encontrado")
        else:
            motivo = ""
            turno_id = _reclamar_siguiente(tx, c, v, ms)
            if turno_id is None:
                return None
        r = tx.ejecutar(
            _RECLAMAR,
            {"ms": ms, "v": v.id, "u": actor.usuario_id, "motivo": motivo[:300], "id": turno_id},
        )
        if r.rowcount != 1:
            raise Conflicto("Otro turno se llamó al mismo tiempo; intente de nuevo.")
        tx.ejecutar(text("UPDATE ventanilla SET estado = 'atendiendo' WHERE id = :v"), {"v": v.id})
        t = tx.ejecutar(_TURNO, {"id": turno_id}).one()
        consultas.ajustar_espera(tx.conn, c.id, t.tramite_id, -1)
        datos = {"fuera_de_orden": True, "motivo": motivo} if folio else {}
        _publicar(
            tx,
            c,
            v,
            t,
            "turno_llamado",
            ms,
            actor,
            "llamado",
            datos,
            cola={t.tramite_id: t.tramite_clave},
        )
        return turno_staff(tx.conn, turno_id, c.zona)


_SQL_ACCION = {
    Accion.RELLAMAR: "llamadas = llamadas + 1",
    Accion.INICIAR: "inicio_ms = :ms",
    Accion.FINALIZAR: "inicio_ms = COALESCE(inicio_ms, llamado_ms), fin_ms = :ms",
    Accion.AUSENTE: "fin_ms = :ms",
    Accion.TRANSFERIR: "inicio_ms = COALESCE(inicio_ms, llamado_ms), fin_ms = :ms",
}
_TIPO = {
    Accion.RELLAMAR: "turno_rellamado",
    Accion.INICIAR: "turno_iniciado",
    Accion.FINALIZAR: "turno_finalizado",
    Accion.AUSENTE: "turno_ausente",
    Accion.TRANSFERIR: "turno_transferido",
}


def actuar(
    alm: Almacen,
    centro_slug: str,
    numero: int,
    accion: Accion,
    actor: Actor | None,
    ahora: datetime,
    *,
    tramite_destino: str | None = None,
    motivo: str = "",
) -> dict[str, Any]:
    """rellamar, iniciar, finalizar, ausente o transferir el turno actual de la ventanilla."""
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c, v = _contexto(tx, centro_slug, numero, actor)
        assert actor is not None
        actual = turno_actual(tx.conn, v.id)
        if actual is None:
            raise Conflicto(f"La ventanilla {numero} no tiene un turno llamado o en atención.")
        t = tx.ejecutar(_TURNO, {"id": actual}).one()
        nuevo = transicion(EstadoTurno(t.estado), accion)
        destino = None
        if accion is Accion.TRANSFERIR:
            if not tramite_destino:
                raise EntradaInvalida("Indique el trámite al que se transfiere el turno.")
            destino = consultas.tramite(tx.conn, c.id, tramite_destino)
            if destino.id == t.tramite_id:
                raise EntradaInvalida("El turno ya está en ese trámite; elija otro.")
        tx.ejecutar(
            text(
                f"UPDATE turno SET estado = :e, {_SQL_ACCION[accion]} WHERE id = :id AND estado = :antes"
            ),
            {"e": nuevo.value, "ms": ms, "id": t.id, "antes": t.estado},
        )
        if nuevo is not EstadoTurno.LLAMADO and nuevo is not EstadoTurno.EN_ATENCION:
            tx.ejecutar(text("UPDATE ventanilla SET estado = 'abierta' WHERE id = :v"), {"v": v.id})
        extra: dict[str, Any] = {}
        datos: dict[str, Any] = {}
        if destino is not None:
            _nuevo_tramo(tx, t, destino.id, ms)
            extra["destino"] = destino.clave
            datos = {"destino": destino.clave, "motivo": motivo[:300]}
        _publicar(
            tx,
            c,
            v,
            t,
            _TIPO[accion],
            ms,
            actor,
            nuevo.value,
            datos,
            cola={destino.id: destino.clave} if destino is not None else None,
            **extra,
        )
        return turno_staff(tx.conn, t.id, c.zona)


def _nuevo_tramo(tx: Tx, t: Any, tramite_id: int, ms: int) -> None:
    """Mismo folio y token; la espera del nuevo tramo empieza al transferir."""
    consultas.ajustar_espera(tx.conn, t.centro_id, tramite_id, +1)
    tx.ejecutar(
        text(
            "INSERT INTO turno (centro_id, raiz_id, tramo, folio, dia, token, tramite_id, clase,"
            " origen, estado, en_cola_ms, cita_ms, llamadas, motivo, nombre, contacto) VALUES"
            " (:c, :raiz, :tramo, :folio, :dia, :token, :t, :clase, :origen, 'en_espera', :ms,"
            " NULL, 0, '', :nombre, :contacto)"
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
        },
    )


def registrar_datos(
    alm: Almacen,
    centro_slug: str,
    numero: int,
    actor: Actor | None,
    ahora: datetime,
    nombre: str,
    contacto: str,
) -> None:
    """Registro de usuarios atendidos (MAS): nombre y contacto del turno actual.

    El evento solo dice que se registraron datos, nunca cuáles.
    """
    nombre, contacto = nombre.strip(), contacto.strip()
    if not nombre:
        raise EntradaInvalida("Escriba el nombre de la persona atendida.")
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c, v = _contexto(tx, centro_slug, numero, actor)
        assert actor is not None
        actual = turno_actual(tx.conn, v.id)
        if actual is None:
            raise Conflicto(f"La ventanilla {numero} no tiene un turno en atención.")
        tx.ejecutar(
            text("UPDATE turno SET nombre = :n, contacto = :ct WHERE id = :id"),
            {"n": nombre[:200], "ct": contacto[:200], "id": actual},
        )
        tx.evento(
            c.id,
            "datos_registrados",
            ms,
            turno_id=actual,
            ventanilla_id=v.id,
            usuario_id=actor.usuario_id,
            datos={},
        )

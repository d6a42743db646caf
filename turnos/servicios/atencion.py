"""Acciones de una ventanilla sobre su turno: llamar, rellamar, iniciar, finalizar, ausente,
transferir y registrar datos del usuario atendido. Cada una, una transacción."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, text

from turnos import capacidades
from turnos.capacidades import CierreTurno
from turnos.db.almacen import Almacen, Tx
from turnos.dominio.enrutamiento import Candidato, filas_de, ordenar
from turnos.dominio.estados import (
    EVENTOS,
    Accion,
    AccionVentanilla,
    Clase,
    EstadoTurno,
    EstadoVentanilla,
    activo,
)
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado, Prohibido
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import ausencia, consultas, resultados, transferencia, vistas
from turnos.servicios.consultas import CentroInfo, TurnoInfo, VentanillaInfo
from turnos.servicios.transiciones import con_activos, mover_ventanilla, mover_y_leer_turno
from turnos.servicios.vistas import evento_publico, turno_evento, ventanilla_evento
from turnos.tiempo import a_ms

POR_GRUPO = 3  # cabezas por (trámite, clase): la política solo necesita la cabeza de cada fila

_GRUPO = (
    "SELECT * FROM (SELECT id, tramite_id, clase, en_cola_ms, cita_ms FROM turno"
    " WHERE centro_id = :c AND estado = :espera AND tramite_id = :t{i} AND clase = :cl{i}"
    " AND id NOT IN :vistos"
    + transferencia.SIN_ESPECIALES
    + " ORDER BY en_cola_ms, id LIMIT :k) g{i}"
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
    "SELECT id FROM turno WHERE id = :id AND estado = :espera FOR UPDATE SKIP LOCKED"
)
_RECLAMAR = "llamado_ms = :ms, llamadas = 1, ventanilla_id = :v, usuario_id = :u, motivo = :motivo"
_ACTUAL = con_activos("SELECT id FROM turno WHERE ventanilla_id = :v AND estado IN :activos")
_EN_CURSO = con_activos(
    consultas.SELECT_TURNO + " WHERE t.ventanilla_id = :v AND t.estado IN :activos"
)


@dataclass(frozen=True)
class Puesto:
    """Una ventanilla ya bloqueada en esta transacción, quién actúa y su turno en curso."""

    centro: CentroInfo
    ventanilla: VentanillaInfo
    actor: Actor
    turno: TurnoInfo | None  # el llamado o en atención, leído con la ventanilla ya bloqueada

    @property
    def actual(self) -> int | None:
        return self.turno.id if self.turno is not None else None


def puesto(
    tx: Tx, centro_slug: str, numero: int, actor: Actor | None, permiso: Permiso = Permiso.OPERAR
) -> Puesto:
    """El preámbulo de toda acción de ventanilla: permiso, bloqueo (primero en el orden de
    bloqueo) y la regla «otra persona la atiende»."""
    c = consultas.centro_en(tx, centro_slug)
    quien = exigir(actor, permiso, c.id)
    v = consultas.ventanilla(tx.conn, c.id, numero, bloquear=True)
    if (
        v.usuario_id is not None
        and v.usuario_id != quien.usuario_id
        and not quien.puede(Permiso.OPERAR_CUALQUIERA, c.id)
    ):
        raise Prohibido(f"La ventanilla {numero} la atiende otra persona.")
    f = tx.ejecutar(_EN_CURSO, {"v": v.id}).first()
    return Puesto(c, v, quien, TurnoInfo.de_fila(f) if f is not None else None)


def turno_actual(conn: Connection, ventanilla_id: int) -> int | None:
    return conn.execute(_ACTUAL, {"v": ventanilla_id}).scalar()


def publicar(
    tx: Tx,
    c: CentroInfo,
    v: VentanillaInfo,
    t: TurnoInfo,
    tipo: str,
    ms: int,
    actor: Actor,
    estado: str,
    datos: dict[str, Any] | None = None,
    cola: dict[int, str] | None = None,
    *,
    espera: dict[str, int] | None = None,
    **extra: Any,
) -> None:
    """Agrega el evento de la acción. La cola de los trámites que cambiaron va en el evento:
    `espera` si ya se conoce ({clave: n}, la devuelve `consultas.ajustar_espera`), o `cola`
    ({id: clave}) para leerla."""
    partes: dict[str, Any] = {
        "turno": turno_evento(t, t.tramite_clave, t.tramite_nombre, estado),
        "ventanilla": ventanilla_evento(v),
        **extra,
    }
    if espera:
        partes["cola"] = espera
    elif cola:
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


def _exigir_abierta(v: VentanillaInfo) -> None:
    if v.estado == EstadoVentanilla.EN_PAUSA:
        raise Conflicto(f"La ventanilla {v.numero} está en pausa; reanúdela para llamar turnos.")
    if v.estado == EstadoVentanilla.CERRADA:
        raise Conflicto(f"La ventanilla {v.numero} está cerrada; ábrala para llamar turnos.")


def _reclamar_siguiente(tx: Tx, c: CentroInfo, v: VentanillaInfo, ms: int) -> int | None:
    tramites = consultas.tramites_de_ventanilla_en(tx, v.id)
    if not tramites:
        raise Conflicto(f"La ventanilla {v.numero} no tiene trámites asignados.")
    maximos = {tr.id: tr.espera_maxima_min for tr in tramites}
    orden = [str(tr.id) for tr in tramites]
    vistos: list[int] = [-1]
    # Dirigidos a esta ventanilla o a su persona, y los «al frente» (transferencia.py).
    especiales = transferencia.especiales(tx.conn, c.id)
    filas_v = filas_de(orden, v.id, v.usuario_id)
    params: dict[str, Any] = {"c": c.id, "k": POR_GRUPO, "espera": EstadoTurno.EN_ESPERA.value}
    for i, (tid, clase) in enumerate((tid, cl) for tid in maximos for cl in _CLASES):
        params[f"t{i}"], params[f"cl{i}"] = tid, clase
    for _ in range(20):  # cada vuelta descarta los que otra ventanilla ganó
        filas = tx.ejecutar(_candidatos_sql(len(maximos)), {**params, "vistos": vistos}).all()
        extra = [e for e in especiales if e.id not in vistos]
        if not filas and not extra:
            return None
        candidatos = extra + [
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
        if not any(x.tramite in filas_v for x in candidatos):
            return None
        for cand in ordenar(candidatos, ms, c.politica, filas_v, set(filas_v)):
            vistos.append(cand.id)
            bloqueo = {"id": cand.id, "espera": EstadoTurno.EN_ESPERA.value}
            if tx.es_pg and tx.ejecutar(_BLOQUEAR_PG, bloqueo).first() is None:
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
        p = puesto(tx, centro_slug, numero, actor)
        c, v, quien = p.centro, p.ventanilla, p.actor
        if p.turno is not None:
            raise Conflicto(
                f"La ventanilla {numero} ya tiene el turno {p.turno.folio};"
                " finalícelo o márquelo ausente."
            )
        _exigir_abierta(v)
        if folio:
            motivo = motivo.strip()
            if not motivo:
                raise EntradaInvalida("Para llamar un turno fuera de orden indique el motivo.")
            turno_id = tx.ejecutar(
                text(
                    "SELECT id FROM turno WHERE centro_id = :c AND folio = :f AND estado = :e"
                    " ORDER BY en_cola_ms DESC LIMIT 1"
                ),
                {"c": c.id, "f": folio.strip().upper(), "e": EstadoTurno.EN_ESPERA.value},
            ).scalar()
            if turno_id is None:
                raise NoEncontrado(f"No hay un turno {folio} en espera.", "turno_no_encontrado")
        else:
            motivo = ""
            turno_id = _reclamar_siguiente(tx, c, v, ms)
            if turno_id is None:
                return None
        t = mover_y_leer_turno(
            tx,
            turno_id,
            EstadoTurno.EN_ESPERA,
            Accion.LLAMAR,
            _RECLAMAR,
            conflicto="Otra ventanilla llamó ese turno al mismo tiempo; intente de nuevo.",
            ms=ms,
            v=v.id,
            u=quien.usuario_id,
            motivo=motivo[:300],
        )
        mover_ventanilla(tx, v.id, v.estado, AccionVentanilla.OCUPAR)
        n = consultas.ajustar_espera(tx.conn, c.id, t.tramite_id, -1)
        datos = {"fuera_de_orden": True, "motivo": motivo} if folio else {}
        publicar(
            tx,
            c,
            v,
            t,
            EVENTOS[Accion.LLAMAR],
            ms,
            quien,
            EstadoTurno.LLAMADO.value,
            datos,
            espera={t.tramite_clave: n},
        )
        return vistas.turno_staff_de(t, c.zona)


_SQL_ACCION = {
    Accion.RELLAMAR: "llamadas = llamadas + 1",
    Accion.INICIAR: "inicio_ms = :ms",
    Accion.FINALIZAR: "inicio_ms = COALESCE(inicio_ms, llamado_ms), fin_ms = :ms",
    Accion.AUSENTE: "fin_ms = :ms",
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
    resultado: str = "",
) -> dict[str, Any]:
    """rellamar, iniciar, finalizar, ausente o transferir el turno actual de la ventanilla.

    Transferir (a otro trámite; a una ventanilla o persona, con posición) lo hace
    `transferencia.transferir`; marcar ausente exige las salvaguardas del centro
    (`ausencia.exigir_ausente`); finalizar guarda la marca de resultado (`resultados`)."""
    if accion is Accion.TRANSFERIR:
        return transferencia.transferir(
            alm, centro_slug, numero, actor, ahora, tramite=tramite_destino, motivo=motivo
        )
    ms = a_ms(ahora)
    if accion not in _SQL_ACCION:
        raise EntradaInvalida(f"«{accion.value}» no es una acción sobre el turno en curso.")
    with alm.transaccion() as tx:
        p = puesto(tx, centro_slug, numero, actor)
        c, v, quien = p.centro, p.ventanilla, p.actor
        if p.turno is None:
            raise Conflicto(f"La ventanilla {numero} no tiene un turno llamado o en atención.")
        t = p.turno
        sql, datos = _SQL_ACCION[accion], {}
        params: dict[str, Any] = {"ms": ms}
        if accion is Accion.AUSENTE and t.estado == EstadoTurno.LLAMADO:
            ausencia.exigir_ausente(tx.conn, t, ms)  # (en atención: 409 de la transición)
        elif accion is Accion.FINALIZAR:
            marca = resultados.validar_en(tx, t.tramite_id, resultado)
            if marca is not None:
                sql, params["resultado"] = sql + ", resultado = :resultado", marca.clave
                datos = {"resultado": marca.clave, "resuelve": marca.resuelve}
        movido = mover_y_leer_turno(tx, t.id, t.estado, accion, sql, **params)
        nuevo = EstadoTurno(movido.estado)
        if not activo(nuevo):
            mover_ventanilla(tx, v.id, v.estado, AccionVentanilla.DESOCUPAR)
            capacidades.al_cerrar_turno(tx, _cierre(t, v, quien, nuevo.value, ms))
        publicar(tx, c, v, t, EVENTOS[accion], ms, quien, nuevo.value, datos)
        return vistas.turno_staff_de(movido, c.zona)


def _cierre(t: TurnoInfo, v: VentanillaInfo, quien: Actor, estado: str, ms: int) -> CierreTurno:
    return CierreTurno(
        centro_id=t.centro_id,
        turno_id=t.raiz_id or t.id,
        tramo_id=t.id,
        tramite_id=t.tramite_id,
        tramite_clave=t.tramite_clave,
        ventanilla_id=v.id,
        ventanilla_numero=v.numero,
        usuario_id=quien.usuario_id,
        estado=estado,
        clase=t.clase,
        en_cola_ms=t.en_cola_ms,
        llamado_ms=t.llamado_ms,
        inicio_ms=t.inicio_ms,
        fin_ms=ms,
        cita_ms=t.cita_ms,
    )


_REGISTRAR = con_activos(
    "UPDATE turno SET nombre = :n, contacto = :ct WHERE id = :id AND estado IN :activos"
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
        p = puesto(tx, centro_slug, numero, actor)
        if p.actual is None:
            raise Conflicto(f"La ventanilla {numero} no tiene un turno en atención.")
        r = tx.ejecutar(_REGISTRAR, {"n": nombre[:200], "ct": contacto[:200], "id": p.actual})
        if r.rowcount != 1:  # guardado por estado: nunca en un turno que ya terminó
            raise Conflicto(
                "El turno terminó mientras se registraban los datos.", "cambio_concurrente"
            )
        tx.evento(
            p.centro.id,
            "datos_registrados",
            ms,
            turno_id=p.actual,
            ventanilla_id=p.ventanilla.id,
            usuario_id=p.actor.usuario_id,
            datos={},
        )

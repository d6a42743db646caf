"""Emitir y cancelar turnos."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from turnos import capacidades
from turnos.db.almacen import Almacen, Tx
from turnos.dominio.estados import (
    EVENTOS,
    Accion,
    AccionVentanilla,
    Clase,
    EstadoTurno,
    Origen,
    activo,
)
from turnos.dominio.horario import verificar_emision
from turnos.dominio.numeracion import dia_local, formatear_folio
from turnos.errores import EntradaInvalida, NoEncontrado
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import ausencia, consultas, estimacion, idempotencia
from turnos.servicios.transiciones import bloquear_ventanilla, mover_turno, mover_ventanilla
from turnos.servicios.vistas import evento_publico, turno_evento
from turnos.tiempo import a_ms, iso
from turnos.tiempo import ahora as reloj_real

_SIGUIENTE_NUMERO = text(
    "INSERT INTO contador (centro_id, prefijo, dia, n) VALUES (:c, :p, :d, 1)"
    " ON CONFLICT (centro_id, prefijo, dia) DO UPDATE SET n = contador.n + 1 RETURNING n"
)
_INSERTAR = text(
    "INSERT INTO turno (centro_id, tramo, folio, dia, token, tramite_id, clase, origen, estado,"
    " en_cola_ms, cita_ms, llamadas, motivo, nombre, contacto) VALUES (:c, 1, :folio, :dia,"
    " :token, :t, :clase, :origen, :espera, :ms, :cita_ms, 0, '', :nombre, :contacto)"
    " RETURNING id"
)


def _enum(tipo: Any, valor: str, campo: str) -> Any:
    try:
        return tipo(valor)
    except ValueError:
        validos = ", ".join(v.value for v in tipo)
        raise EntradaInvalida(f"«{valor}» no es {campo} válido; use: {validos}.") from None


@dataclass(frozen=True)
class Confirmada:
    """Un turno ya emitido (COMMIT hecho), aún sin la estimación de la respuesta."""

    resultado: dict[str, Any]
    turno_id: int | None  # None: respuesta guardada de un reintento idempotente
    centro: consultas.CentroInfo
    tramite_id: int  # 0 en un reintento
    ms: int


def emitir(
    alm: Almacen,
    centro_slug: str,
    tramite_clave: str,
    actor: Actor | None,
    ahora: datetime,
    *,
    clase: str = "general",
    origen: str = "kiosco",
    cita_ms: int | None = None,
    nombre: str = "",
    contacto: str = "",
    peticion: idempotencia.Peticion | None = None,
) -> dict[str, Any]:
    """Emite un turno: folio consecutivo por (centro, prefijo, día) respaldado por la BD.

    Con `peticion` (cabecera Idempotency-Key) la misma clave devuelve el mismo turno.

    `personas_delante` y `espera_estimada` se calculan DESPUÉS del COMMIT, en una lectura
    aparte: el estimador lee toda la fila y la historia, y dentro de la transacción alargaba el
    candado de escritura de SQLite (issue 13). Es la estimación de ese instante, igual que la
    que da /t/{token}; un reintento idempotente recibe la de su momento. Las rutas HTTP llaman
    las dos mitades por separado (`confirmar` en el escritor del Almacén, `completar` fuera).
    """
    return completar(
        alm,
        confirmar(
            alm,
            centro_slug,
            tramite_clave,
            actor,
            ahora,
            clase=clase,
            origen=origen,
            cita_ms=cita_ms,
            nombre=nombre,
            contacto=contacto,
            peticion=peticion,
        ),
    )


def confirmar(
    alm: Almacen,
    centro_slug: str,
    tramite_clave: str,
    actor: Actor | None,
    ahora: datetime,
    *,
    clase: str = "general",
    origen: str = "kiosco",
    cita_ms: int | None = None,
    nombre: str = "",
    contacto: str = "",
    peticion: idempotencia.Peticion | None = None,
) -> Confirmada:
    """La transacción de emitir (lo único que necesita al escritor de SQLite)."""
    clase_ = _enum(Clase, clase, "una clase")
    origen_ = _enum(Origen, origen, "un origen")
    if clase_ is Clase.CITA and origen_ is not Origen.CITA:
        # La clase «cita» adelanta en la fila: solo la da el registro de una cita.
        raise EntradaInvalida(
            "Un turno de clase «cita» solo se emite al registrar una cita;"
            " elija «general» o «preferente»."
        )
    with alm.transaccion() as tx:
        c = consultas.centro_en(tx, centro_slug)
        exigir(actor, Permiso.EMITIR, c.id)
        previa = idempotencia.reclamar(tx, c.id, peticion, a_ms(ahora))
        if previa is not None:  # reintento: el turno ya existe (aunque ya cerró el centro)
            return Confirmada(previa, None, c, 0, a_ms(ahora))
        tr = consultas.tramite_en(tx, c.id, tramite_clave)
        verificar_emision(
            c.horario, c.inhabiles, c.tolerancia_min, ahora.astimezone(ZoneInfo(c.zona))
        )
        turno_id, resultado = _emitir_sin_estimar(
            tx,
            c,
            tr,
            actor,
            ahora,
            clase=clase,
            origen=origen,
            cita_ms=cita_ms,
            nombre=nombre,
            contacto=contacto,
        )
        idempotencia.guardar(tx, c.id, peticion, resultado)
    return Confirmada(resultado, turno_id, c, tr.id, a_ms(ahora))


def completar(alm: Almacen, conf: Confirmada) -> dict[str, Any]:
    """La respuesta de emitir: lo confirmado más la estimación de este instante (una lectura)."""
    if conf.turno_id is None:
        return _con_estimacion(alm, conf.resultado, conf.centro, conf.ms)
    c = conf.centro
    with alm.lectura() as conn:
        est = estimacion.estimar_en_espera(
            conn,
            conf.turno_id,
            c.id,
            conf.tramite_id,
            conf.ms,
            c.politica,
            cache=alm.cache_catalogo,
        )
    return _estimado(conf.resultado, est)


def _estimado(resultado: dict[str, Any], est: Any) -> dict[str, Any]:
    return {
        **resultado,
        "personas_delante": est.personas_delante,
        "espera_estimada": estimacion.espera_estimada(est),
    }


_ID_POR_TOKEN = text(
    "SELECT id, tramite_id FROM turno WHERE token = :token ORDER BY tramo DESC LIMIT 1"
)


def _con_estimacion(
    alm: Almacen, previa: dict[str, Any], c: consultas.CentroInfo, ms: int
) -> dict[str, Any]:
    """Respuesta guardada de un reintento, con la estimación de ahora (fuera de la transacción
    de escritura: se lee tras el COMMIT del reintento)."""
    if "token" not in previa:
        return previa
    with alm.lectura() as conn:
        f = conn.execute(_ID_POR_TOKEN, {"token": previa["token"]}).first()
        if f is None:
            return previa
        est = estimacion.estimar_en_espera(
            conn, f.id, c.id, f.tramite_id, ms, c.politica, cache=alm.cache_catalogo
        )
    return _estimado(previa, est)


def emitir_en(
    tx: Tx,
    c: consultas.CentroInfo,
    tr: Any,
    actor: Actor | None,
    ahora: datetime,
    *,
    clase: str = "general",
    origen: str = "kiosco",
    cita_ms: int | None = None,
    nombre: str = "",
    contacto: str = "",
) -> dict[str, Any]:
    """Emite dentro de una transacción ya abierta (p. ej. la que registra una cita): quien llama
    ya revisó permisos y horario. Devuelve lo mismo que `emitir` (aquí la estimación se calcula
    dentro de la transacción: quien llama decide cuándo confirma)."""
    turno_id, resultado = _emitir_sin_estimar(
        tx,
        c,
        tr,
        actor,
        ahora,
        clase=clase,
        origen=origen,
        cita_ms=cita_ms,
        nombre=nombre,
        contacto=contacto,
    )
    est = estimacion.estimar_en_espera(tx.conn, turno_id, c.id, tr.id, a_ms(ahora), c.politica)
    return _estimado(resultado, est)


def _emitir_sin_estimar(
    tx: Tx,
    c: consultas.CentroInfo,
    tr: Any,
    actor: Actor | None,
    ahora: datetime,
    *,
    clase: str,
    origen: str,
    cita_ms: int | None,
    nombre: str,
    contacto: str,
) -> tuple[int, dict[str, Any]]:
    """Inserta el turno y su evento; devuelve su id y la respuesta sin estimación."""
    clase_ = _enum(Clase, clase, "una clase")
    origen_ = _enum(Origen, origen, "un origen")
    ms = a_ms(ahora)
    dia = dia_local(ahora, c.zona).isoformat()
    n = tx.ejecutar(_SIGUIENTE_NUMERO, {"c": c.id, "p": tr.prefijo, "d": dia}).scalar_one()
    folio = formatear_folio(tr.prefijo, n)
    token = secrets.token_urlsafe(16)
    turno_id = tx.ejecutar(
        _INSERTAR,
        {
            "c": c.id,
            "folio": folio,
            "dia": dia,
            "token": token,
            "t": tr.id,
            "clase": clase_.value,
            "origen": origen_.value,
            "ms": ms,
            "cita_ms": cita_ms,
            "nombre": nombre[:200],
            "contacto": contacto[:200],
            "espera": EstadoTurno.EN_ESPERA.value,
        },
    ).scalar_one()
    cola = {tr.clave: consultas.ajustar_espera(tx.conn, c.id, tr.id, +1)}
    publico_turno = {
        "id": turno_id,
        "folio": folio,
        "tramite": tr.clave,
        "tramite_nombre": tr.nombre,
        "clase": clase_.value,
        "estado": EstadoTurno.EN_ESPERA.value,
    }
    tx.evento(
        c.id,
        "turno_emitido",
        ms,
        turno_id=turno_id,
        usuario_id=actor.usuario_id if actor else None,
        dispositivo_id=actor.dispositivo_id if actor else None,
        datos={"folio": folio, "tramite": tr.clave, "clase": clase_.value, "origen": origen_.value},
        publico=evento_publico(c, ms, turno=publico_turno, cola=cola),
    )
    # Misma política que `llamar` (la aplica quien estima): los campos van en este orden.
    return turno_id, {
        "folio": folio,
        "token": token,
        "tramite": tr.clave,
        "tramite_nombre": tr.nombre,
        "clase": clase_.value,
        "origen": origen_.value,
        "estado": EstadoTurno.EN_ESPERA.value,
        "personas_delante": 0,
        "espera_estimada": None,
        "emitido": iso(ms, c.zona),
        "centro": c.slug,
        "centro_nombre": c.nombre,
    }


_POR_TOKEN = text(
    "SELECT t.*, tr.clave AS tramite_clave, tr.nombre AS tramite_nombre, c.slug AS centro_slug,"
    " c.nombre AS centro_nombre, c.zona, v.numero AS ventanilla_numero,"
    " v.nombre AS ventanilla_nombre FROM turno t JOIN tramite tr ON tr.id = t.tramite_id"
    " JOIN centro c ON c.id = t.centro_id LEFT JOIN ventanilla v ON v.id = t.ventanilla_id"
    " WHERE t.token = :token ORDER BY t.tramo DESC LIMIT 1"
)


def estado_publico(alm: Almacen, token: str, ahora: datetime | None = None) -> dict[str, Any]:
    """Lo que ve el ciudadano en /t/{token}: sin nombre ni contacto.

    `personas_delante` y `espera_estimada` salen de la política de `llamar` (ver
    `turnos.servicios.estimacion`); `espera_estimada` es null sin ventanilla abierta que atienda.
    """
    ms = a_ms(ahora or reloj_real())
    with alm.lectura() as conn:
        t = conn.execute(_POR_TOKEN, {"token": token}).first()
        if t is None:
            raise NoEncontrado(
                "No encontramos ese turno. Revise el enlace de su ticket.", "turno_no_encontrado"
            )
        politica = consultas.centro(conn, t.centro_slug).politica
        est = estimacion.estimar_turno(conn, t.id, ms, politica, cache=alm.cache_catalogo)
        extra = capacidades.vista_turno(conn, t.raiz_id or t.id, t.estado)
        extra.update(ausencia.vista_publica(conn, t.id, t.estado, ms))
    return {
        **extra,
        "folio": t.folio,
        "centro": t.centro_slug,
        "centro_nombre": t.centro_nombre,
        "tramite": t.tramite_clave,
        "tramite_nombre": t.tramite_nombre,
        "clase": t.clase,
        "estado": t.estado,
        "personas_delante": est.personas_delante,
        "espera_estimada": estimacion.espera_estimada(est),
        "ventanilla": (
            {"numero": t.ventanilla_numero, "nombre": t.ventanilla_nombre}
            if t.ventanilla_numero is not None and activo(t.estado)
            else None
        ),
        "emitido": iso(t.en_cola_ms, t.zona),
        "llamado": iso(t.llamado_ms, t.zona),
        "id": t.raiz_id or t.id,
    }


def cancelar(alm: Almacen, token: str, ahora: datetime, motivo: str = "") -> dict[str, Any]:
    """El ciudadano (con su token) o el personal cancelan un turno que aún no se atiende."""
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        t = tx.ejecutar(_POR_TOKEN, {"token": token}).first()
        if t is None:
            raise NoEncontrado("No encontramos ese turno.", "turno_no_encontrado")
        antes = EstadoTurno(t.estado)
        v = None
        if t.ventanilla_id is not None and activo(antes):
            v = bloquear_ventanilla(tx, t.ventanilla_id)  # orden de bloqueo: ventanilla → turno
        nuevo = mover_turno(
            tx,
            t.id,
            antes,
            Accion.CANCELAR,
            "fin_ms = :ms, motivo = :m",
            conflicto="El turno cambió mientras se cancelaba; intente de nuevo.",
            ms=ms,
            m=motivo[:300],
        )
        if antes is EstadoTurno.EN_ESPERA:
            cola = {
                t.tramite_clave: consultas.ajustar_espera(tx.conn, t.centro_id, t.tramite_id, -1)
            }
        else:
            cola = consultas.cola_de(tx.conn, t.centro_id, {t.tramite_id: t.tramite_clave})
        if v is not None:
            mover_ventanilla(tx, v.id, v.estado, AccionVentanilla.DESOCUPAR)
        c = consultas.centro_en(tx, t.centro_slug)
        tx.evento(
            c.id,
            EVENTOS[Accion.CANCELAR],
            ms,
            turno_id=t.id,
            ventanilla_id=t.ventanilla_id,
            datos={"folio": t.folio, "motivo": motivo[:300]},
            publico=evento_publico(
                c,
                ms,
                turno=turno_evento(t, t.tramite_clave, t.tramite_nombre, nuevo.value),
                cola=cola,
            ),
        )
    return estado_publico(alm, token, ahora)

"""Configurar la agenda de un trámite y las reglas de citas del centro (jefe o admin)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import text

from citas import lecturas
from citas.agenda import Agenda, lugares_por_omision
from turnos.db.almacen import Almacen, Tx
from turnos.errores import EntradaInvalida
from turnos.permisos import Actor, Permiso, exigir
from turnos.servicios import consultas
from turnos.tiempo import a_ms

_VENTANILLAS = text(
    "SELECT count(*) FROM ventanilla_tramite vt JOIN ventanilla v ON v.id = vt.ventanilla_id"
    " WHERE vt.tramite_id = :t AND v.activo = true"
)
_GUARDAR_AGENDA = text(
    "INSERT INTO cita_agenda (tramite_id, centro_id, duracion_min, lugares, horizonte_dias,"
    " anticipacion_min, activa) VALUES (:t, :c, :duracion_min, :lugares, :horizonte_dias,"
    " :anticipacion_min, :activa) ON CONFLICT (tramite_id) DO UPDATE SET"
    " duracion_min = :duracion_min, lugares = :lugares, horizonte_dias = :horizonte_dias,"
    " anticipacion_min = :anticipacion_min, activa = :activa"
)
_GUARDAR_AJUSTES = text(
    "INSERT INTO cita_ajustes (centro_id, antes_min, despues_min, tope_por_curp, periodo_dias,"
    " corte_min, inasistencias_max, inasistencias_dias) VALUES (:c, :antes_min, :despues_min,"
    " :tope_por_curp, :periodo_dias, :corte_min, :inasistencias_max, :inasistencias_dias)"
    " ON CONFLICT (centro_id) DO UPDATE SET antes_min = :antes_min, despues_min = :despues_min,"
    " tope_por_curp = :tope_por_curp, periodo_dias = :periodo_dias, corte_min = :corte_min,"
    " inasistencias_max = :inasistencias_max, inasistencias_dias = :inasistencias_dias"
)
_LIMITES_AJUSTES = {
    "antes_min": (0, 240),
    "despues_min": (0, 240),
    "tope_por_curp": (1, 50),
    "periodo_dias": (1, 365),
    "corte_min": (0, 7 * 24 * 60),
    "inasistencias_max": (1, 50),
    "inasistencias_dias": (1, 365),
}


def guardar_agenda(
    alm: Almacen,
    centro_slug: str,
    tramite_clave: str,
    actor: Actor | None,
    ahora: datetime,
    *,
    duracion_min: int = 30,
    lugares: int | None = None,
    horizonte_dias: int = 30,
    anticipacion_min: int = 60,
    fraccion_citas: float = 0.5,
    activa: bool = True,
    sistema: bool = False,
) -> dict[str, Any]:
    """Crea o cambia la agenda; sin `lugares`, se derivan de las ventanillas del trámite.
    `sistema`: la siembra de la demo (sin persona que la pida)."""
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        if not sistema:
            exigir(actor, Permiso.ADMINISTRAR, c.id)
        tr = consultas.tramite(tx.conn, c.id, tramite_clave)
        valores = _guardar(
            tx,
            c.id,
            tr.id,
            tr.clave,
            a_ms(ahora),
            actor.usuario_id if actor else None,
            duracion_min=duracion_min,
            lugares=lugares,
            horizonte_dias=horizonte_dias,
            anticipacion_min=anticipacion_min,
            fraccion_citas=fraccion_citas,
            activa=activa,
        )
    return {"tramite": tr.clave, **valores}


def _guardar(
    tx: Tx,
    centro_id: int,
    tramite_id: int,
    clave: str,
    ms: int,
    usuario_id: int | None,
    *,
    duracion_min: int,
    lugares: int | None,
    horizonte_dias: int,
    anticipacion_min: int,
    fraccion_citas: float = 0.5,
    activa: bool = True,
) -> dict[str, Any]:
    if lugares is None:
        n = int(tx.ejecutar(_VENTANILLAS, {"t": tramite_id}).scalar_one())
        lugares = lugares_por_omision(n, fraccion_citas)
    try:
        agenda = Agenda(duracion_min, lugares, horizonte_dias, anticipacion_min)
    except ValueError as e:
        raise EntradaInvalida(str(e)) from None
    valores = {**asdict(agenda), "activa": activa}
    tx.ejecutar(_GUARDAR_AGENDA, {"t": tramite_id, "c": centro_id, **valores})
    tx.evento(
        centro_id,
        "cita_agenda_guardada",
        ms,
        usuario_id=usuario_id,
        datos={"tramite": clave, **valores},
    )
    return valores


_CAMPOS_AGENDA = {
    "duracion_min": 30,
    "lugares": None,
    "horizonte_dias": 30,
    "anticipacion_min": 60,
    "activa": True,
}


def importar_agenda(tx: Tx, centro_id: int, tramite_id: int, valor: Any, ms: int) -> None:
    """Campo «agenda» de un trámite en la importación del catálogo (Capacidad.campos_tramite):
    ``{"duracion_min": 30, "lugares": 2, "horizonte_dias": 30, "anticipacion_min": 60,
    "activa": true}`` (todo opcional; sin «lugares», se derivan de las ventanillas)."""
    if valor is None:
        return
    if not isinstance(valor, dict):
        raise EntradaInvalida('«agenda» debe ser un objeto, p. ej. {"duracion_min": 30}.')
    desconocidos = set(valor) - set(_CAMPOS_AGENDA)
    if desconocidos:
        raise EntradaInvalida(
            f"Campos desconocidos en la agenda: {', '.join(sorted(desconocidos))}."
        )
    datos = {**_CAMPOS_AGENDA, **valor}
    for campo in ("duracion_min", "lugares", "horizonte_dias", "anticipacion_min"):
        v = datos[campo]
        if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            raise EntradaInvalida(f"«agenda.{campo}» debe ser un número entero.")
    if not isinstance(datos["activa"], bool):
        raise EntradaInvalida("«agenda.activa» debe ser true o false.")
    clave = tx.ejecutar(
        text("SELECT clave FROM tramite WHERE id = :t"), {"t": tramite_id}
    ).scalar_one()
    _guardar(tx, centro_id, tramite_id, clave, ms, None, **datos)


def guardar_ajustes(
    alm: Almacen, centro_slug: str, actor: Actor | None, ahora: datetime, **valores: int
) -> None:
    """Cambia las reglas indicadas; las demás se quedan como estaban."""
    otros = set(valores) - set(_LIMITES_AJUSTES)
    if otros:
        raise EntradaInvalida(f"Reglas desconocidas: {', '.join(sorted(otros))}.")
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        exigir(actor, Permiso.ADMINISTRAR, c.id)
        limpios = {**lecturas.ajustes(tx.conn, c.id), **valores}
        for campo, (minimo, maximo) in _LIMITES_AJUSTES.items():
            valor = limpios[campo]
            if (
                isinstance(valor, bool)
                or not isinstance(valor, int)
                or not minimo <= valor <= maximo
            ):
                raise EntradaInvalida(f"«{campo}» va de {minimo} a {maximo}.")
        tx.ejecutar(_GUARDAR_AJUSTES, {"c": c.id, **limpios})
        tx.evento(
            c.id,
            "cita_ajustes_guardados",
            a_ms(ahora),
            usuario_id=actor.usuario_id if actor else None,
            datos=limpios,
        )


def sembrar_demo(alm: Almacen, centro_slug: str, ahora: datetime) -> None:
    """Agenda de 30 minutos a 14 días para los trámites que atiende alguna ventanilla."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        claves = [
            clave
            for (clave,) in conn.execute(
                text(
                    "SELECT DISTINCT tr.clave FROM tramite tr JOIN ventanilla_tramite vt"
                    " ON vt.tramite_id = tr.id WHERE tr.centro_id = :c AND tr.activo = true"
                ),
                {"c": c.id},
            )
        ]
    for clave in sorted(claves):
        guardar_agenda(alm, centro_slug, clave, None, ahora, horizonte_dias=14, sistema=True)

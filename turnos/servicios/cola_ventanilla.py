"""Los turnos en espera que puede llamar una ventanilla (issue 15, ítem 1).

Solo folio, trámite, clase, minutos de espera y hora de cita: nunca nombres de personas. El orden
es el de la política del centro (`dominio.enrutamiento.ordenar`), el mismo con que «Llamar
siguiente» elige: el primero de la lista es quien sigue.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, text

from turnos.dominio.enrutamiento import Candidato, ordenar, vencido
from turnos.dominio.estados import Clase, EstadoTurno
from turnos.servicios import consultas
from turnos.servicios.consultas import CentroInfo
from turnos.tiempo import desde_ms

LIMITE = 60  # más no caben en la vista de una ventanilla; la cuenta total va aparte

_EN_ESPERA = text(
    "SELECT t.id, t.folio, t.clase, t.en_cola_ms, t.cita_ms, t.tramite_id FROM turno t"
    " WHERE t.centro_id = :c AND t.estado = :espera AND t.tramite_id IN :tramites"
    " ORDER BY t.en_cola_ms, t.id LIMIT :k"
).bindparams(bindparam("tramites", expanding=True))

_CLASE_TEXTO = {Clase.GENERAL: "General", Clase.PREFERENTE: "Preferente", Clase.CITA: "Cita"}


@dataclass(frozen=True)
class TurnoEnEspera:
    folio: str
    tramite: str  # clave
    tramite_nombre: str
    clase: str
    clase_texto: str
    espera_min: int
    cita: str | None  # «HH:MM» en la zona del centro
    vencido: bool  # ya esperó más que la espera máxima de su trámite


def en_espera(
    conn: Connection, c: CentroInfo, ventanilla_id: int, ahora_ms: int, limite: int = LIMITE
) -> list[TurnoEnEspera]:
    """Los turnos en espera de los trámites de la ventanilla, en el orden de la política."""
    tramites = {tr.id: tr for tr in consultas.tramites_de_ventanilla(conn, ventanilla_id)}
    if not tramites:
        return []
    filas = conn.execute(
        _EN_ESPERA,
        {
            "c": c.id,
            "espera": EstadoTurno.EN_ESPERA.value,
            "tramites": list(tramites),
            "k": limite,
        },
    ).all()
    por_id = {f.id: f for f in filas}
    candidatos = [
        Candidato(
            id=f.id,
            tramite=str(f.tramite_id),
            clase=Clase(f.clase),
            en_cola_ms=f.en_cola_ms,
            espera_maxima_s=(tramites[f.tramite_id].espera_maxima_min or 0) * 60 or None,
            cita_ms=f.cita_ms,
        )
        for f in filas
    ]
    orden = [str(tid) for tid in tramites]
    salida = []
    for cand in ordenar(candidatos, ahora_ms, c.politica, orden):
        f, tr = por_id[cand.id], tramites[int(cand.tramite)]
        salida.append(
            TurnoEnEspera(
                folio=f.folio,
                tramite=tr.clave,
                tramite_nombre=tr.nombre,
                clase=cand.clase.value,
                clase_texto=_CLASE_TEXTO[cand.clase],
                espera_min=max(0, (ahora_ms - f.en_cola_ms) // 60_000),
                cita=None if f.cita_ms is None else desde_ms(f.cita_ms, c.zona).strftime("%H:%M"),
                vencido=c.politica.prioridad_vencidos and vencido(cand, ahora_ms),
            )
        )
    return salida

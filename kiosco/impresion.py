"""Armar el ticket de un turno ya confirmado: datos vivos, perfil del dispositivo y bytes ESC/POS.

Síncrono (lecturas de la base y render de ~ms): se llama desde el threadpool.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from firmware_config.perfiles import PerfilImpresora, cargar_perfil_impresora
from firmware_config.validacion import PerfilInvalido
from kiosco.estimacion import rango_publico
from kiosco.ticket import DatosTicket, renderizar_ticket
from kiosco.trabajos import destino
from kiosco.vista import pie_ticket
from turnos.db.almacen import Almacen
from turnos.dominio.horario import texto_horario
from turnos.dominio.numeracion import dia_local
from turnos.errores import NoEncontrado
from turnos.servicios import consultas, estimacion
from turnos.tiempo import a_ms, desde_ms
from turnos.tiempo import ahora as reloj_real

log = logging.getLogger(__name__)

PERFIL_POR_OMISION = "generico_80mm"

_TURNO = text(
    "SELECT t.id, t.raiz_id, t.centro_id, t.folio, t.token, t.clase, t.estado, t.en_cola_ms,"
    " t.tramite_id, tr.nombre AS tramite_nombre, tr.costo, c.slug FROM turno t"
    " JOIN tramite tr ON tr.id = t.tramite_id JOIN centro c ON c.id = t.centro_id"
    " WHERE t.token = :token ORDER BY t.tramo DESC LIMIT 1"
)
_DISPOSITIVO = text(
    "SELECT id, nombre, impresora_url, perfil FROM dispositivo WHERE id = :d AND activo = true"
)


@dataclass(frozen=True)
class Preparado:
    datos: DatosTicket
    centro_id: int
    turno_id: int  # primer tramo: el id estable del turno
    dispositivo_id: int | None
    impresora: str  # "" = el dispositivo no tiene impresora
    perfil: PerfilImpresora


@functools.lru_cache(maxsize=32)
def perfil(nombre: str) -> PerfilImpresora:
    """El perfil del dispositivo; uno inexistente cae al genérico de 80 mm (y se avisa)."""
    try:
        return cargar_perfil_impresora(nombre or PERFIL_POR_OMISION)
    except PerfilInvalido as exc:
        log.warning(
            "perfil de impresora %r inválido (%s); se usa %s", nombre, exc, PERFIL_POR_OMISION
        )
        return cargar_perfil_impresora(PERFIL_POR_OMISION)


def dispositivo(conn: Connection, dispositivo_id: int | None) -> Any:
    if dispositivo_id is None:
        return None
    return conn.execute(_DISPOSITIVO, {"d": dispositivo_id}).first()


def preparar(
    alm: Almacen, token: str, url_base: str, dispositivo_id: int | None, ahora: Any = None
) -> Preparado:
    """Datos del ticket del turno `token` con la cola de este momento (misma política que
    `llamar`: `turnos.servicios.estimacion`)."""
    with alm.lectura() as conn:
        t = conn.execute(_TURNO, {"token": token}).first()
        if t is None:
            raise NoEncontrado("No encontramos ese turno.", "turno_no_encontrado")
        c = consultas.centro(conn, t.slug)
        est = estimacion.estimar_turno(
            conn, t.id, a_ms(ahora or reloj_real()), c.politica, cache=alm.cache_catalogo
        )
        delante = est.personas_delante
        rango = rango_publico(estimacion.espera_estimada(est))
        d = dispositivo(conn, dispositivo_id)
    datos = DatosTicket(
        centro=c.nombre,
        folio=t.folio,
        tramite=t.tramite_nombre,
        clase=t.clase,
        emitido=desde_ms(t.en_cola_ms, c.zona),
        personas_delante=delante,
        espera_min=rango[0] if rango else None,
        espera_max=rango[1] if rango else None,
        url_seguimiento=f"{url_base.rstrip('/')}/t/{t.token}",
        pie=pie_ticket(c.pie_ticket, texto_horario(c.horario), t.costo),
    )
    return Preparado(
        datos=datos,
        centro_id=c.id,
        turno_id=t.raiz_id or t.id,
        dispositivo_id=d.id if d is not None else None,
        impresora=destino(d.impresora_url, d.nombre) if d is not None and d.impresora_url else "",
        perfil=perfil(d.perfil if d is not None else ""),
    )


def renderizar(prep: Preparado) -> bytes:
    return renderizar_ticket(prep.datos, prep.perfil)


def token_por_folio(alm: Almacen, centro_slug: str, folio: str, ahora: Any) -> tuple[str, int]:
    """(token, id del turno) del folio de hoy en el centro, para reimprimir."""
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        fila = conn.execute(
            text(
                "SELECT token, coalesce(raiz_id, id) AS raiz FROM turno WHERE centro_id = :c"
                " AND dia = :d AND folio = :f ORDER BY tramo DESC LIMIT 1"
            ),
            {"c": c.id, "d": dia_local(ahora, c.zona).isoformat(), "f": folio.strip().upper()},
        ).first()
    if fila is None:
        raise NoEncontrado(
            f"No hay un turno {folio} emitido hoy en este centro.", "turno_no_encontrado"
        )
    return str(fila.token), int(fila.raiz)


def ultimo_trabajo(alm: Almacen, turno_id: int) -> Any:
    """El último trabajo de impresión del turno (para reimprimir en la misma impresora)."""
    with alm.lectura() as conn:
        return conn.execute(
            text(
                "SELECT id, dispositivo_id, impresora, perfil FROM impresion WHERE turno_id = :t"
                " ORDER BY id DESC LIMIT 1"
            ),
            {"t": turno_id},
        ).first()


def dispositivo_por_nombre(alm: Almacen, centro_id: int, nombre: str) -> Any:
    with alm.lectura() as conn:
        return conn.execute(
            text(
                "SELECT id, nombre, impresora_url, perfil FROM dispositivo WHERE centro_id = :c"
                " AND nombre = :n AND activo = true"
            ),
            {"c": centro_id, "n": nombre},
        ).first()

"""Propiedad: cualquier secuencia de comandos sobre el almacén real (SQLite y PostgreSQL) deja
solo estados y transiciones que la tabla del dominio permite, y la bitácora, reproducida por el
dominio, da exactamente los estados guardados de turnos y ventanillas."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.conftest import AHORA, sembrar_centro
from turnos.db.almacen import Almacen
from turnos.dominio.estados import (
    EVENTOS,
    EVENTOS_VENTANILLA,
    FINALES,
    Accion,
    AccionVentanilla,
    EstadoTurno,
    EstadoVentanilla,
    activo,
    transicion,
    transicion_ventanilla,
)
from turnos.errores import TurnosError
from turnos.servicios import atencion, cierre, emision, ventanillas

NUMEROS = (1, 2, 99)
_TURNO = {
    "rellamar": Accion.RELLAMAR,
    "iniciar": Accion.INICIAR,
    "finalizar": Accion.FINALIZAR,
    "ausente": Accion.AUSENTE,
    "transferir": Accion.TRANSFERIR,
}
_ESTADO_PEDIDO = {"abrir": "abierta", "pausar": "en_pausa", "cerrar": "cerrada"}
NOMBRES = ["emitir", "cancelar", "llamar", "registrar", "liberar", "cierre"]
NOMBRES += list(_TURNO) + list(_ESTADO_PEDIDO)
COMANDOS = st.lists(
    st.tuples(st.sampled_from(NOMBRES), st.integers(0, 2), st.integers(0, 2)),
    min_size=1,
    max_size=30,
)


def _ejecutar(
    alm: Almacen, slug: str, centro: Any, comandos: list[tuple[str, int, int]], inicio: datetime
) -> None:
    tokens: list[str] = []
    actores = [*centro.staff, centro.jefe]
    for paso, (nombre, i, j) in enumerate(comandos):
        ahora = inicio + timedelta(minutes=paso + 1)
        numero, quien = NUMEROS[i], actores[j]
        try:
            if nombre == "emitir":
                tokens.append(emision.emitir(alm, slug, "ABC"[i], centro.kiosco, ahora)["token"])
            elif nombre == "cancelar" and tokens:
                emision.cancelar(alm, tokens[(i + j) % len(tokens)], ahora, "prueba")
            elif nombre == "llamar":
                atencion.llamar(alm, slug, numero, quien, ahora)
            elif nombre == "registrar":
                atencion.registrar_datos(alm, slug, numero, quien, ahora, "Persona", "")
            elif nombre == "liberar":
                ventanillas.liberar(alm, slug, numero, quien, ahora, "prueba")
            elif nombre == "cierre":
                cierre.cerrar_dia(alm, slug, centro.jefe, ahora, forzar=True)
            elif nombre in _TURNO:
                destino = "BCA"[j] if nombre == "transferir" else None
                atencion.actuar(
                    alm, slug, numero, _TURNO[nombre], quien, ahora, tramite_destino=destino
                )
            elif nombre in _ESTADO_PEDIDO:
                ventanillas.cambiar_estado(
                    alm, slug, numero, _ESTADO_PEDIDO[nombre], quien, ahora, "comida"
                )
        except TurnosError:
            pass  # una negativa con mensaje claro es un resultado válido; un error de BD no


_ACCION_TURNO = {tipo: accion for accion, tipo in EVENTOS.items()}
_ACCION_VENTANILLA = {tipo: accion for accion, tipo in EVENTOS_VENTANILLA.items()}


def _foto(alm: Almacen, slug: str) -> tuple[int, dict[int, EstadoTurno]]:
    """Punto de partida de un ejemplo: último seq y estados de los turnos que ya existen."""
    with alm.lectura() as c:
        cid = c.execute(text("SELECT id FROM centro WHERE slug = :s"), {"s": slug}).scalar_one()
        seq = c.execute(
            text("SELECT coalesce(max(seq), 0) FROM evento WHERE centro_id = :c"), {"c": cid}
        ).scalar_one()
        turnos = {
            i: EstadoTurno(e)
            for i, e in c.execute(
                text("SELECT id, estado FROM turno WHERE centro_id = :c"), {"c": cid}
            )
        }
    return seq, turnos


def _reproducir(
    conn: Any, centro_id: int, desde: int, turnos: dict[int, EstadoTurno]
) -> tuple[dict[int, str], dict[int, str]]:
    """Los estados que la bitácora (desde el seq `desde`, con todas las ventanillas cerradas)
    dice, aplicando solo transiciones del dominio: si la bitácora tuviera una prohibida,
    `transicion` lanza y la prueba falla."""
    turnos = dict(turnos)
    vents = {
        vid: EstadoVentanilla.CERRADA
        for (vid,) in conn.execute(
            text("SELECT id FROM ventanilla WHERE centro_id = :c"), {"c": centro_id}
        )
    }
    eventos = conn.execute(
        text(
            "SELECT tipo, turno_id, ventanilla_id FROM evento WHERE centro_id = :c AND seq > :s"
            " ORDER BY seq"
        ),
        {"c": centro_id, "s": desde},
    )
    for tipo, tid, vid in eventos:
        if tipo == "turno_emitido":
            turnos[tid] = EstadoTurno.EN_ESPERA
        elif tipo in _ACCION_TURNO:
            # un tramo nuevo (transferencia) entra en espera sin evento propio
            antes = turnos.get(tid, EstadoTurno.EN_ESPERA)
            turnos[tid] = despues = transicion(antes, _ACCION_TURNO[tipo])
            if tipo == "turno_llamado":
                vents[vid] = transicion_ventanilla(vents[vid], AccionVentanilla.OCUPAR)
            elif activo(antes) and not activo(despues):
                vents[vid] = transicion_ventanilla(vents[vid], AccionVentanilla.DESOCUPAR)
        elif tipo in _ACCION_VENTANILLA:
            vents[vid] = transicion_ventanilla(vents[vid], _ACCION_VENTANILLA[tipo])
        elif tipo == "cierre_dia":
            vents = {
                v: transicion_ventanilla(e, AccionVentanilla.CIERRE_DIA) for v, e in vents.items()
            }
    return {k: v.value for k, v in turnos.items()}, {k: v.value for k, v in vents.items()}


def _verificar(alm: Almacen, slug: str, desde: int, iniciales: dict[int, EstadoTurno]) -> None:
    with alm.lectura() as c:
        cid = c.execute(text("SELECT id FROM centro WHERE slug = :s"), {"s": slug}).scalar_one()
        turnos = dict(
            c.execute(text("SELECT id, estado FROM turno WHERE centro_id = :c"), {"c": cid}).all()
        )
        vents = dict(
            c.execute(
                text("SELECT id, estado FROM ventanilla WHERE centro_id = :c"), {"c": cid}
            ).all()
        )
        ocupadas = [
            vid
            for (vid,) in c.execute(
                text(
                    "SELECT ventanilla_id FROM turno WHERE centro_id = :c"
                    " AND estado IN ('llamado', 'en_atencion')"
                ),
                {"c": cid},
            )
        ]
        turnos_rep, vents_rep = _reproducir(c, cid, desde, iniciales)
    assert all(e in set(EstadoTurno) for e in turnos.values())
    assert all(e in set(EstadoVentanilla) for e in vents.values())
    sin_evento = {t: e for t, e in turnos.items() if t not in turnos_rep}
    assert set(sin_evento.values()) <= {"en_espera"}  # solo tramos nuevos aún sin llamar
    assert {t: e for t, e in turnos.items() if t in turnos_rep} == turnos_rep
    assert vents == vents_rep
    # «atendiendo» si y solo si la ventanilla tiene su (único) turno activo
    assert sorted(ocupadas) == sorted(v for v, e in vents.items() if e == "atendiendo")


def test_la_bitacora_reproducida_da_los_estados_guardados(alm: Almacen) -> None:
    centro = sembrar_centro(alm, "prop", ventanillas=2)  # una vez: crear cuentas cuesta (argon2)
    reloj = itertools.count()

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(comandos=COMANDOS)
    def propiedad(comandos: list[tuple[str, int, int]]) -> None:
        # Cada ejemplo parte del mismo punto: el cierre deja los turnos en estados finales y las
        # ventanillas cerradas; se reproduce la bitácora desde ahí.
        inicio = AHORA + timedelta(minutes=next(reloj) * 100)
        cierre.cerrar_dia(alm, "prop", centro.jefe, inicio, forzar=True)
        desde, iniciales = _foto(alm, "prop")
        assert all(e in FINALES for e in iniciales.values())
        _ejecutar(alm, "prop", centro, comandos, inicio)
        _verificar(alm, "prop", desde, iniciales)

    propiedad()

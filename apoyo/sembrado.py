"""Sembrar un centro de prueba con los servicios de verdad y aislar PostgreSQL por esquema.

Lo usan las fixtures de tests/conftest.py y las mediciones de bench/.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from turnos.db.almacen import Almacen
from turnos.permisos import Actor
from turnos.servicios import catalogo, cuentas

TODO_EL_DIA = {d: ["00:00", "24:00"] for d in ("lun", "mar", "mie", "jue", "vie", "sab", "dom")}
AHORA = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # lunes 10:00 en Ciudad de México


def esquema_pg(base: str) -> Iterator[str]:
    """Un esquema nuevo por prueba en la base `test`; se borra al final."""
    esquema = f"t_{uuid.uuid4().hex[:12]}"
    motor = create_engine(base, isolation_level="AUTOCOMMIT")
    with motor.connect() as c:
        c.execute(text(f"CREATE SCHEMA {esquema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{esquema}"
    finally:
        with motor.connect() as c:
            c.execute(text(f"DROP SCHEMA {esquema} CASCADE"))
        motor.dispose()


@dataclass
class Centro:
    slug: str
    jefe: Actor
    staff: list[Actor]  # un usuario de rol ventanilla por ventanilla (1..3)
    kiosco: Actor
    kiosco_token: str
    jefe_token: str
    staff_tokens: list[str]
    pantalla_token: str


def sembrar_centro(alm: Almacen, slug: str = "prueba", ventanillas: int = 3) -> Centro:
    """Centro abierto todo el día con trámites A (espera máx. 30) y B, y N ventanillas A+B."""
    catalogo.crear_centro(alm, slug, "Centro de prueba", horario=TODO_EL_DIA, tolerancia_min=0)
    catalogo.importar_tramites(
        alm,
        slug,
        [
            {
                "clave": "A",
                "nombre": "Trámite A",
                "prefijo": "A",
                "espera_maxima_min": 30,
                "atencion_maxima_min": 15,
            },
            {"clave": "B", "nombre": "Trámite B", "prefijo": "B", "costo": "Gratuito"},
            {"clave": "C", "nombre": "Trámite C", "prefijo": "C"},
        ],
        AHORA,
    )
    for n in range(1, ventanillas + 1):
        catalogo.guardar_ventanilla(alm, slug, n, f"Ventanilla {n}", ["A", "B"], AHORA)
    catalogo.guardar_ventanilla(alm, slug, 99, "Ventanilla C", ["C"], AHORA)
    with alm.lectura() as c:
        cid = c.execute(text("SELECT id FROM centro WHERE slug = :s"), {"s": slug}).scalar_one()
    jid = cuentas.crear_usuario(alm, f"jefe-{slug}", "contrasena-segura", "jefe", slug, "Jefa")
    staff = []
    tokens = []
    for n in range(1, ventanillas + 1):
        uid = cuentas.crear_usuario(
            alm, f"v{n}-{slug}", "contrasena-segura", "ventanilla", slug, f"Persona {n}"
        )
        staff.append(Actor("usuario", uid, "ventanilla", cid, f"Persona {n}"))
        tokens.append(cuentas.crear_token_personal(alm, f"v{n}-{slug}", AHORA))
    kid, ktoken = cuentas.crear_dispositivo(alm, slug, "kiosco", "kiosco-1", AHORA)
    _, ptoken = cuentas.crear_dispositivo(alm, slug, "pantalla", "pantalla-1", AHORA)
    return Centro(
        slug=slug,
        jefe=Actor("usuario", jid, "jefe", cid, "Jefa"),
        staff=staff,
        kiosco=Actor("dispositivo", kid, "kiosco", cid, "kiosco-1"),
        kiosco_token=ktoken,
        jefe_token=cuentas.crear_token_personal(alm, f"jefe-{slug}", AHORA),
        staff_tokens=tokens,
        pantalla_token=ptoken,
    )

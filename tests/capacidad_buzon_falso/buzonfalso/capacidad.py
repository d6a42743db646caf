"""Registro: ofrece ``abrir_manifestacion`` a las demás capacidades (turnos.kit.servicio)."""

import json
import os

from turnos.capacidades import Capacidad


def abrir_manifestacion(
    alm, centro_slug, *, tipo, descripcion, turno_id, correo, telefono, canal, ahora
):
    with open(os.environ["BUZON_FALSO_ARCHIVO"], "a", encoding="utf-8") as f:
        f.write(
            json.dumps(
                {
                    "centro": centro_slug,
                    "tipo": tipo,
                    "descripcion": descripcion,
                    "turno_id": turno_id,
                    "correo": correo,
                    "telefono": telefono,
                    "canal": canal,
                    "ahora": ahora.isoformat(),
                },
                ensure_ascii=False,
            )
            + "\n"
        )
    return {"folio": "Q-000001", "clave": "k", "estado": "recibida", "vence": "2026-12-08"}


CAPACIDAD = Capacidad(nombre="buzonfalso", servicios={"abrir_manifestacion": abrir_manifestacion})

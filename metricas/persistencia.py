"""Guardar y leer resúmenes diarios (`kpi_dia`). El JSON refleja exactamente `consultas.Dia`."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from metricas.kpis import Acumulado

log = logging.getLogger("turnos.metricas")

VERSION = 1  # súbala si cambia cómo se calcula un día

_ENTEROS = ("hist_espera", "hist_atencion")  # dicts con llaves enteras
_CONJUNTOS = ("ventanillas", "usuarios")


def _acum_a(a: Acumulado) -> dict[str, Any]:
    d = asdict(a)
    for k in _CONJUNTOS:
        d[k] = sorted(d[k])
    return d


def _acum_de(d: dict[str, Any]) -> Acumulado:
    d = dict(d)
    for k in _ENTEROS:
        d[k] = {int(c): v for c, v in d[k].items()}
    for k in _CONJUNTOS:
        d[k] = set(d[k])
    return Acumulado(**d)


def a_json(dia: Any) -> str:
    d: dict[str, Any] = {}
    for f in fields(dia):
        v = getattr(dia, f.name)
        if isinstance(v, Acumulado):
            d[f.name] = _acum_a(v)
        elif isinstance(v, dict) and v and isinstance(next(iter(v.values())), Acumulado):
            d[f.name] = {str(k): _acum_a(a) for k, a in v.items()}
        elif isinstance(v, dict):
            d[f.name] = {str(k): x for k, x in v.items()}
        else:
            d[f.name] = v
    return json.dumps(d, separators=(",", ":"))


def de_json(clase: Any, texto: str) -> Any:
    crudo = json.loads(texto)
    valores: dict[str, Any] = {}
    for f in fields(clase):
        v = crudo[f.name]
        if f.name == "total":
            valores[f.name] = _acum_de(v)
        elif f.name.startswith("por_"):
            valores[f.name] = {int(k): _acum_de(a) for k, a in v.items()}
        elif isinstance(v, dict):
            valores[f.name] = {int(k): x for k, x in v.items()}
        else:
            valores[f.name] = v
    return clase(**valores)


def leer(conn: Connection, clase: Any, centro_id: int, dia: str) -> Any | None:
    texto_ = conn.execute(
        text("SELECT datos FROM kpi_dia WHERE centro_id = :c AND dia = :d AND version = :v"),
        {"c": centro_id, "d": dia, "v": VERSION},
    ).scalar()
    return None if texto_ is None else de_json(clase, texto_)


def leer_periodo(
    conn: Connection, clase: Any, centro_id: int, desde: str, hasta: str
) -> dict[str, Any]:
    """{día: resumen} de lo guardado entre `desde` y `hasta` (una consulta por la llave)."""
    return {
        dia: de_json(clase, datos)
        for dia, datos in conn.execute(
            text(
                "SELECT dia, datos FROM kpi_dia WHERE centro_id = :c AND dia BETWEEN :d AND :h"
                " AND version = :v"
            ),
            {"c": centro_id, "d": desde, "h": hasta, "v": VERSION},
        )
    }


def guardar(motor: Engine, centro_id: int, dia: Any) -> None:
    guardar_varios(motor, centro_id, [dia])


def guardar_varios(motor: Engine, centro_id: int, dias: list[Any]) -> None:
    """En una transacción corta (una sola confirmación para todo el periodo); si otro proceso los
    guardó primero, da igual. Guardar es una optimización: si la BD está ocupada, el reporte sigue
    y los resúmenes se guardan otra vez."""
    if not dias:
        return
    try:
        with motor.begin() as conn:
            conn.execute(
                text("DELETE FROM kpi_dia WHERE centro_id = :c AND dia = :d"),
                [{"c": centro_id, "d": d.dia} for d in dias],
            )
            conn.execute(
                text(
                    "INSERT INTO kpi_dia (centro_id, dia, version, datos) VALUES (:c, :d, :v, :x)"
                ),
                [{"c": centro_id, "d": d.dia, "v": VERSION, "x": a_json(d)} for d in dias],
            )
    except IntegrityError:
        pass
    except OperationalError:
        log.warning("no se guardaron %d resúmenes diarios (BD ocupada); se recalcularán", len(dias))

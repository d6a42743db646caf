"""Websocket del tablero con uvicorn real: estado al conectar, estado nuevo tras cada acción
(sin sondeo), permisos y el contenido preparado (alertas, metas)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from metricas.consultas import olvidar_cache
from pantalla.banco import ServidorHilo
from tests.conftest import minutos
from turnos.servicios import atencion, emision, ventanillas
from turnos.settings import Settings
from turnos.web.app import crear_app


class Reloj:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> Any:
        return minutos(self.t)


@pytest.fixture
def entorno(sqlite_url, centro) -> Iterator[tuple[ServidorHilo, Any, Reloj]]:
    # SQLite: los eventos llegan al hub en proceso (en PostgreSQL los trae LISTEN/NOTIFY).
    olvidar_cache()
    reloj = Reloj()
    app = crear_app(Settings(db=sqlite_url, secreto="x"), reloj=reloj)
    srv = ServidorHilo(app, lifespan="on")  # arranque real: hub y publicación
    with srv:
        yield srv, app, reloj


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'turnos.db'}"


@pytest.fixture
def alm(sqlite_url):
    from turnos.db.almacen import Almacen
    from turnos.db.migrar import migrar
    from turnos.db.motor import crear_motor

    motor = crear_motor(sqlite_url)
    migrar(motor)
    yield Almacen(motor)
    motor.dispose()


async def _leer(ws: Any, timeout: float = 5) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


def test_estado_y_actualizacion_en_vivo(entorno, centro) -> None:
    srv, app, reloj = entorno
    alm = app.state.alm
    url = f"{srv.url_ws}/ws/tablero/prueba?token={centro.jefe_token}"

    async def caso() -> None:
        async with connect(url) as ws:
            e = await _leer(ws)
            assert e["tipo"] == "tablero" and e["resumen"]["esperando"] == "0"
            assert e["movimientos"] == []  # la página dice «Sin movimientos todavía»
            assert [v["estado"] for v in e["ventanillas"]][:2] == ["Cerrada", "Cerrada"]
            await asyncio.to_thread(emision.emitir, alm, "prueba", "A", centro.kiosco, minutos(0))
            e = await _leer(ws)
            a = next(t for t in e["tramites"] if t["clave"] == "A")
            assert a["esperando"] == 1 and a["meta"] == "30 min"
            assert any("ninguna ventanilla abierta" in x["texto"] for x in e["alertas"])
            # Renglones en español preparados en el servidor, con la hora local del centro.
            emitido = {"hora": "10:00:00", "texto": "Turno A-001 emitido · Trámite A"}
            assert e["eventos"][-1] == {**emitido, "nivel": "info"}
            assert e["movimientos"] == [{**emitido, "nivel": "info"}]
            reloj.t = 2
            await asyncio.to_thread(
                ventanillas.cambiar_estado, alm, "prueba", 1, "abierta", centro.staff[0], minutos(1)
            )
            await _leer(ws)
            await asyncio.to_thread(atencion.llamar, alm, "prueba", 1, centro.staff[0], minutos(2))
            e = await _leer(ws)
            v1 = e["ventanillas"][0]
            assert (v1["folio"], v1["estado"], v1["persona"]) == (
                "A-001",
                "Atendiendo",
                "Persona 1",
            )
            assert v1["vence_ms"] - v1["desde_ms"] == 15 * 60_000  # atención máxima de A
            assert (
                e["resumen"]["espera_media"] == "2 min"
                and e["resumen"]["nivel_servicio"] == "100.0 %"
            )
            assert (
                e["graficas"]["llegadas"]["hoy"][e["graficas"]["llegadas"]["horas"].index(10)] == 1
            )
            assert [m["texto"] for m in e["movimientos"]] == [
                "Turno A-001 llamado a Ventanilla 1",
                "Ventanilla 1 abierta",
                "Turno A-001 emitido · Trámite A",
            ]
            assert e["movimientos"][0]["hora"] == "10:02:00"
            # Registrar datos personales es interno: no aparece en los movimientos.
            await asyncio.to_thread(
                atencion.registrar_datos,
                alm, "prueba", 1, centro.staff[0], minutos(3), "Ana", "ana@example.mx",
            )  # fmt: skip
            await asyncio.to_thread(
                ventanillas.cambiar_estado,
                alm, "prueba", 2, "abierta", centro.staff[1], minutos(3),
            )  # fmt: skip
            e = await _leer(ws)
            while e["movimientos"][0]["texto"] != "Ventanilla 2 abierta":
                e = await _leer(ws)
            assert not any("datos" in m["texto"] for m in e["movimientos"])
            assert all(x["texto"] for x in e["eventos"])

    asyncio.run(caso())


def test_sin_permiso_se_rechaza(entorno, centro) -> None:
    srv, _, _ = entorno

    async def caso(token: str) -> None:
        async with connect(f"{srv.url_ws}/ws/tablero/prueba?token={token}") as ws:
            await _leer(ws)

    for token in ("", centro.staff_tokens[0], centro.kiosco_token):
        with pytest.raises((ConnectionClosed, InvalidStatus)):
            asyncio.run(caso(token))


def test_grafica_de_llegadas_cubre_el_horario_y_no_dibuja_horas_futuras(entorno) -> None:
    """Centro de 24 h consultado a las 10:00: eje de 0 a 23 h, de 11 h en adelante sin valor."""
    _, app, _ = entorno
    from metricas import tablero

    e = tablero.estado(app.state.alm, "prueba", minutos(0))
    llegadas = e["graficas"]["llegadas"]
    assert llegadas["horas"] == list(range(24))
    assert llegadas["hoy"][:11] == [0] * 11 and llegadas["hoy"][11:] == [None] * 13
    espera = e["graficas"]["espera"]
    assert espera["etiquetas_eje"][:2] == ["0", "5"] and espera["etiquetas"][1] == "5–10 min"


def test_horas_de_servicio() -> None:
    from datetime import date

    from metricas.tablero import horas_de_servicio

    lunes, domingo = date(2026, 11, 23), date(2026, 11, 29)
    horario = {"lun": ["08:30", "15:00"], "sab": ["09:00", "13:30"], "dom": None}
    assert horas_de_servicio(horario, lunes) == (8, 14)
    assert horas_de_servicio(horario, domingo) == (8, 14)  # no abre: el de la semana
    assert horas_de_servicio({"lun": ["00:00", "24:00"]}, lunes) == (0, 23)
    assert horas_de_servicio({}, lunes) == (8, 17)

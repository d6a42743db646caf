"""Reportes por HTTP y por CLI: CSV/XLSX con las cifras del escenario de KPI, permisos del
tablero y del registro de usuarios atendidos, y datos abiertos."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from metricas import cli, extras, registro
from metricas.consultas import olvidar_cache
from tests.conftest import minutos
from tests.e2e.conftest import bearer
from tests.integration.test_metricas_kpis import escenario
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, emision, ventanillas
from turnos.settings import Settings
from turnos.web.app import crear_app

PERIODO = "desde=2026-11-23&hasta=2026-11-23"


@pytest.fixture
def cliente(alm, centro, db_url):
    olvidar_cache()
    escenario(alm, centro)
    app = crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: minutos(60 * 24))
    with TestClient(app) as c:
        yield c


def _csv(texto: str) -> dict[str, dict[str, str]]:
    return {f["clave"]: f for f in csv.DictReader(io.StringIO(texto.lstrip("\ufeff")))}


def test_csv_por_tramite_coincide_con_el_escenario(cliente, centro) -> None:
    r = cliente.get(
        f"/tablero/prueba/reportes?vista=kpis&formato=csv&tabla=tramites&{PERIODO}",
        headers=bearer(centro.jefe_token),
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    filas = _csv(r.text)
    a, b = filas["A"], filas["B"]
    assert (a["emitidos"], a["atendidos"], a["cancelados"], a["transferidos"]) == (
        "4",
        "2",
        "1",
        "1",
    )
    assert (a["espera_media_s"], a["espera_p50_s"], a["espera_p90_s"]) == (
        "860.0",
        "720.0",
        "1320.0",
    )
    assert (a["atencion_media_s"], a["nivel_servicio"], a["origen_recepcion"]) == (
        "400.0",
        "1.0",
        "1",
    )
    assert (b["ausentes"], b["ausentismo"], b["espera_max_s"], b["nivel_servicio"]) == (
        "1",
        "0.5",
        "2880.0",
        "",
    )


def test_xlsx_con_todas_las_tablas(cliente, centro) -> None:
    r = cliente.get(
        f"/tablero/prueba/reportes?vista=kpis&formato=xlsx&{PERIODO}",
        headers=bearer(centro.jefe_token),
    )
    assert r.status_code == 200
    libro = load_workbook(io.BytesIO(r.content))
    # después, las tablas que declaran las capacidades instaladas (citas…)
    nucleo = ["tramites", "ventanillas", "personal", "horas", "dias"]
    assert libro.sheetnames == [*nucleo, *extras.nombres()]
    hoja = libro["tramites"]
    columnas = [c.value for c in hoja[1]]
    filas = {f[0]: dict(zip(columnas, f, strict=True)) for f in hoja.iter_rows(2, values_only=True)}
    assert filas["B"]["atencion_media_s"] == 810 and filas["B"]["atendidos"] == 2
    vent = {f[0]: f for f in libro["ventanillas"].iter_rows(2, values_only=True)}
    cols = [c.value for c in libro["ventanillas"][1]]
    v2 = dict(zip(cols, vent[2], strict=True))
    assert v2["horas_abierta"] == pytest.approx(110 / 60, abs=1e-3)
    assert v2["utilizacion"] == pytest.approx(29 / 110, abs=1e-4)
    dias = [
        dict(zip([c.value for c in libro["dias"][1]], f, strict=True))
        for f in libro["dias"].iter_rows(2, values_only=True)
    ]
    assert dias[0]["dia_semana"] == "lunes" and dias[0]["emitidos"] == 7


def test_html_y_evidencia(cliente, centro) -> None:
    h = bearer(centro.jefe_token)
    r = cliente.get(f"/tablero/prueba/reportes?vista=kpis&{PERIODO}", headers=h)
    assert r.status_code == 200 and "Por trámite" in r.text and "14 min 20 s" in r.text
    r = cliente.get(f"/tablero/prueba/reportes?vista=evidencia&{PERIODO}", headers=h)
    assert r.status_code == 200 and "Modernización y digitalización" in r.text
    assert "Trámite A" in r.text and "0 · Presencial" in r.text
    # Lo que pide una hoja que se entrega firmada: centro, periodo, cuándo se generó (hora local
    # del centro, reloj de la app: 2026-11-24 10:00 en Ciudad de México), quién firma y un botón
    # para imprimir (script propio, la CSP no deja JS en línea).
    assert "Generada el martes 24 de noviembre de 2026 a las 10:00" in r.text
    assert 'class="firma"' in r.text and "Jefa" in r.text and "Jefatura del centro" in r.text
    assert 'id="imprimir"' in r.text and "/static/metricas/evidencia.js" in r.text


def test_permisos_del_tablero(cliente, centro) -> None:
    r = cliente.get("/tablero/prueba", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?siguiente=/tablero/prueba"
    r = cliente.get("/tablero/prueba", headers=bearer(centro.staff_tokens[0]))
    assert r.status_code == 403
    r = cliente.get("/tablero/prueba", headers=bearer(centro.jefe_token))
    assert r.status_code == 200 and "Tablero" in r.text and "data-estado" in r.text
    r = cliente.get(
        "/tablero/prueba/reportes?desde=2026-12-01&hasta=2026-11-01",
        headers=bearer(centro.jefe_token),
    )
    assert r.status_code == 400


def test_registro_solo_jefe_y_con_retencion(alm, centro, db_url) -> None:
    s1 = centro.staff[0]
    ventanillas.cambiar_estado(alm, centro.slug, 1, "abierta", s1, minutos(0))
    emision.emitir(alm, centro.slug, "A", centro.kiosco, minutos(1))
    atencion.llamar(alm, centro.slug, 1, s1, minutos(2))
    atencion.registrar_datos(alm, centro.slug, 1, s1, minutos(3), "Ana Pérez", "ana@example.mx")
    atencion.actuar(alm, centro.slug, 1, Accion.FINALIZAR, s1, minutos(4))
    app = crear_app(Settings(db=db_url, secreto="x"), reloj=lambda: minutos(10))
    url = f"/tablero/prueba/reportes?vista=registro&formato=csv&{PERIODO}"
    with TestClient(app) as c:
        assert c.get(url, headers=bearer(centro.staff_tokens[0])).status_code == 403
        r = c.get(url, headers=bearer(centro.jefe_token))
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    fila = next(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert (fila["nombre"], fila["contacto"], fila["folio"], fila["hora"]) == (
        "Ana Pérez",
        "ana@example.mx",
        "A-001",
        "10:04",
    )
    # Un año y un día después ya no se exporta, y depurar borra los datos.
    despues = minutos(60 * 24 * 366)
    assert (
        registro.exportar(alm, "prueba", centro.jefe, minutos(0).date(), despues.date(), despues)
        == []
    )
    assert registro.depurar(alm, "prueba", despues) == 1
    assert (
        registro.exportar(
            alm, "prueba", centro.jefe, minutos(0).date(), despues.date(), minutos(10)
        )
        == []
    )


def test_datos_abiertos_publicos_y_anonimos(cliente) -> None:
    r = cliente.get("/datos-abiertos/prueba.json?desde=2026-11-23&hasta=2026-11-23")
    assert r.status_code == 200
    datos = r.json()
    filas = {f["tramite_clave"]: f for f in datos["datos"]}
    assert filas["A"]["emitidos"] == 4 and filas["A"]["espera_media_min"] == pytest.approx(14.33)
    assert filas["C"]["espera_media_min"] is None  # menos de 3 llamados: sin tiempos
    assert set(datos["diccionario"]) == set(filas["A"])
    texto = json.dumps(datos, ensure_ascii=False)
    assert "A-00" not in texto and "Persona" not in texto  # sin folios ni personal
    r = cliente.get("/datos-abiertos/prueba.csv?desde=2026-11-23&hasta=2026-11-23")
    assert r.status_code == 200 and r.text.splitlines()[0].startswith("fecha,centro,tramite_clave")
    assert len(r.text.strip().splitlines()) == 4
    r = cliente.get("/datos-abiertos/prueba")
    assert r.status_code == 200 and "Diccionario de datos" in r.text
    assert cliente.get("/datos-abiertos/prueba.xml").status_code == 400


def _parser() -> argparse.ArgumentParser:
    """Como turnos/cli.py: `comando` agrega --db a cada subcomando."""
    p = argparse.ArgumentParser(prog="turnos")
    sub = p.add_subparsers(dest="comando", required=True)

    def comando(nombre, funcion, ayuda, padre=sub):
        sp = padre.add_parser(nombre, help=ayuda)
        sp.add_argument("--db")
        sp.set_defaults(funcion=funcion)
        return sp

    cli.registrar(sub, comando)
    return p


def test_cli_reporte_csv_xlsx_html(alm, centro, db_url, tmp_path) -> None:
    olvidar_cache()
    escenario(alm, centro)
    base = ["reporte", "--db", db_url, "--centro", "prueba", "--desde", "2026-11-23",
            "--hasta", "2026-11-23"]  # fmt: skip
    for formato, extra in (("csv", []), ("xlsx", []), ("html", ["--tabla", "evidencia"])):
        salida = tmp_path / f"r.{formato}"
        args = _parser().parse_args([*base, "--formato", formato, "--salida", str(salida), *extra])
        assert args.funcion(args) == 0
    assert _csv(salida.with_suffix(".csv").read_text(encoding="utf-8"))["A"]["emitidos"] == "4"
    assert load_workbook(tmp_path / "r.xlsx")["ventanillas"].max_row == 3
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<style>" in html and "Modernización y digitalización" in html


def test_evidencia_de_hoy_cuenta_la_ventanilla_abierta_hasta_ahora(alm, centro, db_url) -> None:
    """Abierta a las 10:00 y consultada a las 10:05: 5 min de horas-ventanilla, no 14 h."""
    olvidar_cache()
    ventanillas.cambiar_estado(alm, centro.slug, 1, "abierta", centro.staff[0], minutos(0))
    app = crear_app(Settings(db=db_url, secreto="x"), reloj=lambda: minutos(5))
    with TestClient(app) as c:
        r = c.get(
            f"/tablero/prueba/reportes?vista=evidencia&{PERIODO}", headers=bearer(centro.jefe_token)
        )
    assert r.status_code == 200
    assert "<b>0.08</b> horas-ventanilla" in r.text  # 5 min = 0.083 h


def test_reportes_con_nombre_del_centro_y_encabezados_en_espanol(cliente, centro) -> None:
    h = bearer(centro.jefe_token)
    r = cliente.get(f"/tablero/prueba/reportes?vista=kpis&{PERIODO}", headers=h)
    assert r.status_code == 200 and "Reportes de Centro de prueba" in r.text
    for titulo in ("Día de la semana", "Días con servicio", "Espera media", "Origen: recepción"):
        assert f'<th scope="col">{titulo}</th>' in r.text
    assert "espera_media_s" not in r.text and "dia semana" not in r.text
    assert 'class="desplazable"' in r.text
    r = cliente.get("/datos-abiertos/prueba")
    assert "Datos abiertos de Centro de prueba" in r.text


def test_evidencia_en_csv_o_xlsx_lo_explica(cliente, centro) -> None:
    h = bearer(centro.jefe_token)
    r = cliente.get(f"/tablero/prueba/reportes?vista=evidencia&formato=csv&{PERIODO}", headers=h)
    assert r.status_code == 200 and "solo se genera en pantalla" in r.text
    r = cliente.get(f"/tablero/prueba/reportes?vista=evidencia&{PERIODO}", headers=h)
    assert "solo se genera en pantalla" not in r.text


def test_errores_de_datos_abiertos_en_el_formato_pedido(cliente) -> None:
    r = cliente.get("/datos-abiertos/prueba.json?desde=xx")
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/json")
    assert r.json() == {"error": "entrada_invalida", "mensaje": "«xx» no es una fecha AAAA-MM-DD."}
    r = cliente.get("/datos-abiertos/prueba.csv?desde=xx")
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    assert "no es una fecha" in r.text and "<html" not in r.text
    assert cliente.get("/datos-abiertos/nadie.json").json()["error"] == "centro_no_encontrado"
    # Hoy (2026-11-24 en el reloj de la app) aún no cierra: se dice eso, no «fecha final anterior».
    r = cliente.get("/datos-abiertos/prueba.json?desde=2026-11-24&hasta=2026-11-24")
    mensaje = r.json()["mensaje"]
    assert r.status_code == 400 and "días ya cerrados" in mensaje and "2026-11-23" in mensaje
    assert "anterior a la inicial" not in mensaje
    r = cliente.get("/datos-abiertos/prueba.json?desde=2026-11-23&hasta=2026-11-01")
    assert r.json()["mensaje"] == "La fecha final es anterior a la inicial."


def test_datos_abiertos_eligen_periodo_con_un_formulario(cliente) -> None:
    """Nadie tiene que editar la URL: el formulario GET trae el periodo mostrado y lo cambia."""
    r = cliente.get("/datos-abiertos/prueba?desde=2026-11-20&hasta=2026-11-23")
    assert r.status_code == 200
    assert '<form method="get" action="/datos-abiertos/prueba"' in r.text
    assert re.search(r'<input[^>]*type="date"[^>]*name="desde"[^>]*value="2026-11-20"', r.text)
    assert re.search(r'<input[^>]*type="date"[^>]*name="hasta"[^>]*value="2026-11-23"', r.text)
    assert 'max="2026-11-23"' in r.text  # el último día cerrado
    assert "editar la URL" not in r.text and "agregue <code>?desde" not in r.text

"""Ataque (issue 8, punto 1): una jefa no puede hacer que el servidor escriba archivos ni se
conecte a donde quiera al dar de alta un kiosco desde /admin. La instalación decide
(TURNOS_IMPRESORAS_RED, TURNOS_IMPRESORAS_CARPETA); administración puede asignar cualquier destino.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.conftest import AHORA
from tests.e2e.test_paginas_personal import csrf, entrar
from turnos.servicios import cuentas
from turnos.settings import Settings
from turnos.web.app import crear_app


@pytest.fixture
def rutas(tmp_path: Path) -> dict[str, Path]:
    carpeta, fuera = tmp_path / "tickets", tmp_path / "fuera"
    carpeta.mkdir()
    fuera.mkdir()
    os.symlink(fuera, carpeta / "enlace")
    return {"carpeta": carpeta, "fuera": fuera}


@pytest.fixture
def cliente_web(alm, centro, db_url, rutas):
    settings = Settings(
        db=db_url,
        secreto="prueba-secreto",
        impresoras_red="192.168.1.*:9100, impresora-*.local:9100",
        impresoras_carpeta=str(rutas["carpeta"]),
    )
    with TestClient(crear_app(settings, reloj=lambda: AHORA)) as c:
        yield c


def alta(cliente: TestClient, nombre: str, url: str) -> Any:
    t = csrf(cliente.get("/admin/prueba/dispositivos").text)
    return cliente.post(
        "/admin/prueba/dispositivos",
        data={"csrf": t, "tipo": "kiosco", "nombre": nombre, "impresora_url": url},
        follow_redirects=False,
    )


def impresoras(alm: Any) -> dict[str, str]:
    with alm.lectura() as c:
        return dict(c.execute(text("SELECT nombre, impresora_url FROM dispositivo")).all())


def test_jefa_no_elige_donde_escribe_o_conecta_el_servidor(alm, centro, cliente_web, rutas):
    entrar(cliente_web, "jefe-prueba")
    carpeta, fuera = rutas["carpeta"], rutas["fuera"]
    ataques = {
        "k-etc": "archivo:///etc/cron.d/turnos",
        "k-puntos": f"archivo://{carpeta}/../fuera/x.bin",
        "k-enlace": f"archivo://{carpeta}/enlace/x.bin",
        "k-carpeta": f"archivo://{carpeta}",
        "k-ssh": "escpos+net://10.9.9.9:22",
        "k-puerto": "escpos+net://192.168.1.50:6379",
        "k-host": "escpos+net://impresora-1.local.evil.com:9100",
        "k-raro": "http://169.254.169.254/latest",
    }
    for nombre, url in ataques.items():
        r = alta(cliente_web, nombre, url)
        assert 400 <= r.status_code < 500, (nombre, r.status_code)
        if "archivo" in url:
            assert "TURNOS_IMPRESORAS_CARPETA" in r.text, nombre
        elif "escpos+net" in url:
            assert "TURNOS_IMPRESORAS_RED" in r.text, nombre
    assert not set(ataques) & set(impresoras(alm))
    assert list(fuera.iterdir()) == []

    # Lo que la instalación permite sí pasa (la ruta se guarda ya resuelta).
    permitidos = {
        "k-red": "escpos+net://192.168.1.50:9100",
        "k-nombre": "escpos+net://IMPRESORA-2.local:9100?estado=no",
        "k-archivo": f"archivo://{carpeta}/sub/../kiosco.bin",
        "k-usb": "escpos+usb://04b8:0202",
    }
    for nombre, url in permitidos.items():
        assert alta(cliente_web, nombre, url).status_code == 303, nombre
    guardadas = impresoras(alm)
    assert guardadas["k-archivo"] == f"archivo://{os.path.realpath(carpeta)}/kiosco.bin"
    assert guardadas["k-red"] == "escpos+net://192.168.1.50:9100"

    # Auditoría: quién dio de alta qué impresora.
    with alm.lectura() as c:
        filas = c.execute(
            text("SELECT usuario_id, datos FROM evento WHERE tipo = 'dispositivo_creado'")
        ).all()
    por_nombre = {json.loads(d)["nombre"]: (u, json.loads(d)) for u, d in filas}
    usuario, datos = por_nombre["k-red"]
    assert usuario == centro.jefe.id and datos["impresora"] == "escpos+net://192.168.1.50:9100"


def test_administracion_asigna_cualquier_destino(alm, centro, cliente_web, rutas):
    cuentas.crear_usuario(alm, "admin-estatal", "contrasena-segura", "admin", None, "Admin")
    entrar(cliente_web, "admin-estatal")
    destino = rutas["fuera"] / "kiosco.bin"
    assert alta(cliente_web, "k-admin", f"archivo://{destino}").status_code == 303
    assert alta(cliente_web, "k-admin-red", "escpos+net://10.0.0.7:9100").status_code == 303
    assert impresoras(alm)["k-admin"] == f"archivo://{destino}"

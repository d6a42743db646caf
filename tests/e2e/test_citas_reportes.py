"""Citas en los reportes de métricas, la evidencia MAS y los datos abiertos, con cifras hechas
a mano sobre un escenario real (reservas, kiosco, ventanilla, inasistencias, cancelación).

Martes 24 (hora de Ciudad de México), agenda de 2 lugares por horario:
- c1 A 09:00: se registra 08:50 (−10 min), la llaman 09:05 (espera 5), la atienden.
- c2 A 09:00: se registra 09:10 (+10 min), la llaman 09:20 (espera 20), ausente.
- c3 A 09:30: no llega (proceso del día). c4 A 10:00: cancelada.
- c5 B 09:30: se registra 09:30 (0 min), no la han llamado.
- c6 A el miércoles 25 a las 09:00: agendada.
A del 24: agendadas 4, registradas 2, atendidas 1, canceladas 1, no presentadas 2 (c2 y c3),
puntuales 1, llegada promedio (−10+10)/2 = 0.0 min, espera (5+20)/2 = 12.5 min.
B del 24: 1 agendada y registrada, puntual, llegada 0.0, espera sin datos.
Evidencia del 24: 5 citas; inasistencia 2/(5−1) = 50 %; puntualidad 2/3 = 67 %; espera 12.5 min.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from citas import registro, reservas
from citas import reportes as rep
from tests.citas_apoyo import con_agenda, datos
from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, ventanillas
from turnos.settings import Settings
from turnos.web.app import crear_app

H9 = datetime.fromisoformat("2026-11-24T09:00:00-06:00")


def _min(m: int) -> datetime:
    return H9 + timedelta(minutes=m)


@pytest.fixture
def escenario(alm, centro):
    con_agenda(alm, centro)
    c1 = reservas.crear(alm, "prueba", datos(1, hora=9), AHORA)
    c2 = reservas.crear(alm, "prueba", datos(2, hora=9), AHORA)
    reservas.crear(alm, "prueba", datos(3, hora=9, minuto=30), AHORA)
    c4 = reservas.crear(alm, "prueba", datos(4, hora=10), AHORA)
    c5 = reservas.crear(alm, "prueba", datos(5, hora=9, minuto=30, tramite="B"), AHORA)
    reservas.crear(alm, "prueba", {**datos(6), "inicio": "2026-11-25T09:00:00-06:00"}, AHORA)
    reservas.cancelar(alm, c4["token"], AHORA)
    yo = centro.staff[0]
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", yo, AHORA)
    registro.registrar(alm, "prueba", c1["folio"], centro.kiosco, _min(-10))
    assert atencion.llamar(alm, "prueba", 1, yo, _min(5))["folio"] is not None
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, yo, _min(8))
    registro.registrar(alm, "prueba", c2["folio"], centro.kiosco, _min(10))
    atencion.llamar(alm, "prueba", 1, yo, _min(20))
    atencion.actuar(alm, "prueba", 1, Accion.AUSENTE, yo, _min(22))
    registro.registrar(alm, "prueba", c5["folio"], centro.kiosco, _min(30))
    assert registro.marcar_inasistencias(alm, _min(46)) == 1  # c3 (09:30 + 15 min)


def test_filas_evidencia_y_agregados_a_mano(alm, centro, escenario):
    dia = datetime.fromisoformat("2026-11-24").date()
    with alm.lectura() as conn:
        filas = rep.filas(conn, centro.jefe.centro_id, dia, dia, "America/Mexico_City")
        dos_dias = rep.filas(
            conn, centro.jefe.centro_id, dia, dia + timedelta(days=1), "America/Mexico_City"
        )
        evidencia = rep.evidencia(conn, centro.jefe.centro_id, dia, dia, "America/Mexico_City")
        abiertos = rep.datos_abiertos(conn, centro.jefe.centro_id, dia, dia, "America/Mexico_City")
    comunes = {"fecha": "2026-11-24"}
    assert filas == [
        {
            **comunes,
            "tramite": "A",
            "agendadas": 4,
            "registradas": 2,
            "atendidas": 1,
            "canceladas": 1,
            "no_presentadas": 2,
            "puntuales": 1,
            "llegada_prom_min": 0.0,
            "espera_desde_cita_prom_min": 12.5,
        },
        {
            **comunes,
            "tramite": "B",
            "agendadas": 1,
            "registradas": 1,
            "atendidas": 0,
            "canceladas": 0,
            "no_presentadas": 0,
            "puntuales": 1,
            "llegada_prom_min": 0.0,
            "espera_desde_cita_prom_min": None,
        },
    ]
    assert dos_dias[2] == {
        "fecha": "2026-11-25",
        "tramite": "A",
        "agendadas": 1,
        **dict.fromkeys(("registradas", "atendidas", "canceladas", "no_presentadas"), 0),
        "puntuales": 0,
        "llegada_prom_min": None,
        "espera_desde_cita_prom_min": None,
    }
    valores = {e["indicador"]: e["valor"] for e in evidencia}
    assert valores == {
        "Citas solicitadas en línea o por teléfono": "5",
        "Inasistencia a citas": "50 %",
        "Puntualidad de las citas": "67 %",
        "Espera desde la hora de la cita": "12.5 min",
    }
    assert evidencia[0]["detalle"] == "1 atendidas, 2 no presentadas, 1 canceladas"
    assert [set(f) for f in abiertos] == [
        {"fecha", "tramite", "agendadas", "registradas", "atendidas", "canceladas"}
        | {"no_presentadas"}
    ] * 2


def test_por_http_reporte_evidencia_y_datos_abiertos(alm, centro, db_url, escenario):
    app = crear_app(
        Settings(db=db_url, secreto="prueba-secreto"),
        reloj=lambda: datetime.fromisoformat("2026-11-26T10:00:00-06:00"),
    )
    periodo = "desde=2026-11-24&hasta=2026-11-24"
    with TestClient(app) as cliente:
        h = bearer(centro.jefe_token)
        r = cliente.get(
            f"/tablero/prueba/reportes?vista=kpis&formato=csv&tabla=citas&{periodo}", headers=h
        )
        assert r.status_code == 200, r.text
        filas = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
        assert [(f["tramite"], f["agendadas"], f["no_presentadas"]) for f in filas] == [
            ("A", "4", "2"),
            ("B", "1", "0"),
        ]
        r = cliente.get(f"/tablero/prueba/reportes?vista=evidencia&{periodo}", headers=h)
        assert r.status_code == 200 and "Citas por trámite y día" in r.text
        assert "Inasistencia a citas" in r.text and "67 %" in r.text
        r = cliente.get(f"/datos-abiertos/prueba.json?{periodo}")
        assert r.status_code == 200
        citas = r.json()["agregados"]["citas"]
        assert [(f["tramite"], f["atendidas"], f["canceladas"]) for f in citas] == [
            ("A", 1, 1),
            ("B", 0, 0),
        ]
        assert "Persona" not in r.text and "C-" not in r.text and "HEGG" not in r.text

"""«Quiero que me contacten» (punto 6 del issue): con un buzón instalado (aquí uno falso, con
la firma de `abrir_manifestacion`, instalado por entry point como la capacidad de juguete), una
calificación baja con consentimiento abre una queja ligada al turno, con canal «encuesta». Sin
buzón la opción no se ofrece (test_encuestas_api). Corre en un subproceso: el registro de
capacidades de este proceso no cambia."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]
FALSO = RAIZ / "tests" / "capacidad_buzon_falso"

APP = textwrap.dedent(
    """
    import json, sys
    from starlette.testclient import TestClient
    from sqlalchemy import text
    from tests.conftest import AHORA, sembrar_centro
    from turnos.db.almacen import Almacen
    from turnos.db.motor import crear_motor
    from turnos.settings import Settings
    from turnos.web.app import crear_app

    url = sys.argv[1]
    motor = crear_motor(url)
    from turnos.db.migrar import migrar
    migrar(motor)
    centro = sembrar_centro(Almacen(motor))
    k = {"Authorization": "Bearer " + centro.kiosco_token}
    v = {"Authorization": "Bearer " + centro.staff_tokens[0]}

    def atender(c):
        token = c.post("/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=k).json()["token"]
        for accion in ("abrir", "llamar", "finalizar"):
            assert c.post("/api/v1/centros/prueba/ventanillas/1/" + accion, headers=v).status_code == 200
        return token, c.get("/api/v1/turnos/" + token).json()["encuesta"]

    with TestClient(crear_app(Settings(db=url, secreto="x" * 32), reloj=lambda: AHORA)) as c:
        token, clave = atender(c)
        print(json.dumps(c.get("/api/v1/encuestas/" + clave).json()["contacto"]))
        contacto = {"correo": "ana@example.mx", "telefono": "", "acepto_aviso": True}
        r = c.post("/api/v1/encuestas/" + clave, json={
            "calificacion": 1, "motivos": ["espera"], "comentario": "Dos horas", "contacto": contacto})
        print(r.status_code, json.dumps(r.json()))
        _, alta = atender(c)  # una calificación alta no abre caso aunque pida contacto
        r = c.post("/api/v1/encuestas/" + alta, json={"calificacion": 5, "contacto": contacto})
        print(r.status_code, json.dumps(r.json()["manifestacion"]))
        with motor.connect() as conn:
            print(json.dumps(conn.execute(text(
                "SELECT e.manifestacion, t.id FROM encuesta e JOIN turno t ON t.id = e.turno_id"
                " WHERE e.clave = :k"), {"k": clave}).one()._asdict()))
    """
)


def test_calificacion_baja_con_consentimiento_abre_una_queja(tmp_path):
    info = tmp_path / "buzonfalso-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: buzonfalso\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[turnos.capacidades]\nbuzonfalso = buzonfalso.capacidad:CAPACIDAD\n"
    )
    anotadas = tmp_path / "llamadas.jsonl"
    entorno = dict(os.environ)
    entorno["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(FALSO), str(RAIZ)])
    entorno["BUZON_FALSO_ARCHIVO"] = str(anotadas)
    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    r = subprocess.run(
        [sys.executable, "-c", APP, url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=RAIZ,
        env=entorno,
    )
    assert r.returncode == 0, r.stderr
    lineas = r.stdout.strip().split("\n")
    assert lineas[0] == "true"  # con buzón, la encuesta ofrece «quiero que me contacten»
    status, cuerpo = lineas[1].split(" ", 1)
    assert status == "201"
    assert json.loads(cuerpo)["manifestacion"] == {
        "folio": "Q-000001",
        "clave": "k",
        "estado": "recibida",
        "vence": "2026-12-08",
    }
    assert lineas[2] == "201 null"
    guardada = json.loads(lineas[3])
    assert guardada["manifestacion"] == "Q-000001"
    [llamada] = [json.loads(x) for x in anotadas.read_text().splitlines()]
    assert llamada == {
        "centro": "prueba",
        "tipo": "queja",
        "descripcion": "Encuesta de satisfacción: calificó «Muy mal» (motivos: Tiempo de espera)."
        " Comentario: Dos horas",
        "turno_id": guardada["id"],
        "correo": "ana@example.mx",
        "telefono": None,
        "canal": "encuesta",
        "ahora": "2026-11-23T16:00:00+00:00",
    }

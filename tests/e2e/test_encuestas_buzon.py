"""«Quiero que me contacten» (punto 6 del issue): con el buzón real instalado (entry point de
pyproject), una calificación baja con consentimiento abre una queja ligada al turno, con canal
«encuesta», por el servicio `abrir_manifestacion`; la encuesta no importa al buzón."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]

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
        r0 = c.post("/api/v1/encuestas/" + clave, json={
            "calificacion": 1, "motivos": ["espera"], "comentario": "Dos horas", "contacto": contacto})
        print(r0.status_code, json.dumps(r0.json()))
        _, alta = atender(c)  # una calificación alta no abre caso aunque pida contacto
        r = c.post("/api/v1/encuestas/" + alta, json={"calificacion": 5, "contacto": contacto})
        print(r.status_code, json.dumps(r.json()["manifestacion"]))
        with motor.connect() as conn:
            print(json.dumps(conn.execute(text(
                "SELECT e.manifestacion, t.id FROM encuesta e JOIN turno t ON t.id = e.turno_id"
                " WHERE e.clave = :k"), {"k": clave}).one()._asdict()))
            folio = r0.json()["manifestacion"]["folio"]
            print(json.dumps(conn.execute(text(
                "SELECT tipo, canal, turno_id, correo, descripcion FROM buzon_caso"
                " WHERE folio = :f"), {"f": folio}).one()._asdict()))
        s = c.get("/api/v1/manifestaciones/" + folio,
                  params={"clave": r0.json()["manifestacion"]["clave"]})
        print(json.dumps({"status": s.status_code, "estado": s.json().get("estado")}))
    """
)


def test_calificacion_baja_con_consentimiento_abre_una_queja(tmp_path):
    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    r = subprocess.run(
        [sys.executable, "-c", APP, url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=RAIZ,
        env=dict(os.environ, PYTHONPATH=str(RAIZ)),
    )
    assert r.returncode == 0, r.stderr
    lineas = r.stdout.strip().split("\n")
    assert lineas[0] == "true"  # con buzón, la encuesta ofrece «quiero que me contacten»
    status, cuerpo = lineas[1].split(" ", 1)
    assert status == "201"
    caso = json.loads(cuerpo)["manifestacion"]
    assert re.fullmatch(r"PRUEBA-2026-00001-[0-9A-Z]", caso["folio"])
    assert caso["estado"] == "recibida" and caso["clave"]
    assert lineas[2] == "201 null"  # una calificación alta no abre caso aunque pida contacto
    guardada = json.loads(lineas[3])
    assert guardada["manifestacion"] == caso["folio"]
    en_buzon = json.loads(lineas[4])
    assert en_buzon == {
        "tipo": "queja",
        "canal": "encuesta",
        "turno_id": guardada["id"],
        "correo": "ana@example.mx",
        "descripcion": "Encuesta de satisfacción: calificó «Muy mal» (motivos: Tiempo de espera)."
        " Comentario: Dos horas",
    }
    # El ciudadano sigue su caso por folio y clave, como cualquier otro del buzón.
    assert json.loads(lineas[5]) == {"status": 200, "estado": "recibida"}

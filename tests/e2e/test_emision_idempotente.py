"""Cabecera Idempotency-Key en la API y en el kiosco (issue 8, punto 13): un reintento con la
misma clave devuelve el mismo turno (y el kiosco no vuelve a imprimir)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from kiosco.cli import asignar
from tests.e2e.conftest import bearer


def _conteo(alm, tabla: str) -> int:
    with alm.lectura() as c:
        return int(c.execute(text(f"SELECT count(*) FROM {tabla}")).scalar_one())


def test_api_misma_clave_mismo_turno(alm, cliente, centro):
    ruta = "/api/v1/centros/prueba/turnos"
    cab = {**bearer(centro.staff_tokens[0]), "Idempotency-Key": "recepcion-7f3a"}
    r1 = cliente.post(ruta, json={"tramite": "A"}, headers=cab)
    r2 = cliente.post(ruta, json={"tramite": "A"}, headers=cab)
    assert r1.status_code == r2.status_code == 201
    assert r1.json() == r2.json() and _conteo(alm, "turno") == 1
    r = cliente.post(ruta, json={"tramite": "B"}, headers=cab)
    assert r.status_code == 409 and r.json()["error"] == "idempotencia_reusada"
    assert "Idempotency-Key" in r.json()["mensaje"] and _conteo(alm, "turno") == 1
    r = cliente.post(ruta, json={"tramite": "A"}, headers={**cab, "Idempotency-Key": "x" * 201})
    assert r.status_code == 400 and r.json()["error"] == "idempotencia_invalida"
    # Sin cabecera, cada petición es un turno nuevo (como siempre).
    cliente.post(ruta, json={"tramite": "A"}, headers=bearer(centro.staff_tokens[0]))
    assert _conteo(alm, "turno") == 2


def test_kiosco_reintento_no_reimprime(alm, cliente, centro, tmp_path: Path):
    asignar(alm, "kiosco-1", f"archivo://{tmp_path / 'kiosco.bin'}", "generico_80mm", "prueba")
    cab = {**bearer(centro.kiosco_token), "Idempotency-Key": "kiosco-intento-1"}
    ruta = "/api/v1/kiosco/prueba/turnos"
    r1 = cliente.post(ruta, json={"tramite": "A", "clase": "preferente"}, headers=cab)
    r2 = cliente.post(ruta, json={"tramite": "A", "clase": "preferente"}, headers=cab)
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["ticket"]["folio"] == r2.json()["ticket"]["folio"] == "A-001"
    assert r2.json()["impresion"]["trabajo"] == r1.json()["impresion"]["trabajo"]
    assert _conteo(alm, "turno") == 1 and _conteo(alm, "impresion") == 1

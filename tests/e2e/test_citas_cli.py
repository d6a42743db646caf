"""Comandos de citas por la CLI real (`python -m turnos.cli`), descubiertos por la costura."""

from __future__ import annotations

from sqlalchemy import text

from tests.e2e.test_cli import turnos


def test_agenda_e_inasistencias_por_la_cli(alm, centro, db_url):
    r = turnos(
        "citas-agenda", "--centro", "prueba", "--tramite", "a", "--duracion", "20", db=db_url
    )
    assert r.returncode == 0, r.stderr
    # sin --lugares: 3 ventanillas atienden A × la mitad reservada para citas → 1
    assert "Agenda de A: horarios de 20 min, 1 lugar(es) por horario" in r.stdout
    with alm.lectura() as c:
        assert c.execute(text("SELECT duracion_min FROM cita_agenda")).scalar_one() == 20
    r = turnos("citas-inasistencias", db=db_url)
    assert r.returncode == 0 and "no presentadas: 0" in r.stdout
    r = turnos("citas-agenda", "--centro", "prueba", "--tramite", "A", "--duracion", "1", db=db_url)
    assert r.returncode != 0 and "5 a 240 minutos" in r.stderr

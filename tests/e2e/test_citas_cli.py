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


def test_catalogo_importado_con_agenda_de_citas(alm, centro, db_url, tmp_path):
    """El campo «agenda» de un trámite en el YAML del catálogo lo guarda citas (costura
    Capacidad.campos_tramite) en la misma transacción; uno inválido rechaza todo."""
    catalogo = tmp_path / "catalogo.yaml"
    catalogo.write_text(
        "tramites:\n"
        "  - {clave: A, nombre: Trámite A, prefijo: A,"
        " agenda: {duracion_min: 20, lugares: 3, horizonte_dias: 14}}\n"
        "  - {clave: NUEVO, nombre: Licencias, prefijo: L, agenda: {activa: false}}\n"
        "  - {clave: B, nombre: Trámite B, prefijo: B}\n",
        encoding="utf-8",
    )
    r = turnos("catalogo", "importar", str(catalogo), "--centro", "prueba", db=db_url)
    assert r.returncode == 0, r.stderr
    with alm.lectura() as c:
        agendas = c.execute(
            text(
                "SELECT tr.clave, a.duracion_min, a.lugares, a.horizonte_dias, a.anticipacion_min,"
                " a.activa FROM cita_agenda a JOIN tramite tr ON tr.id = a.tramite_id"
                " ORDER BY tr.clave"
            )
        ).all()
        eventos = c.execute(
            text("SELECT count(*) FROM evento WHERE tipo = 'cita_agenda_guardada'")
        ).scalar_one()
    # NUEVO no tiene ventanillas: lugares por omisión = 1
    assert [tuple(f) for f in agendas] == [
        ("A", 20, 3, 14, 60, True),
        ("NUEVO", 30, 1, 30, 60, False),
    ]
    assert eventos == 2

    malo = tmp_path / "malo.yaml"
    malo.write_text(
        "tramites:\n"
        "  - {clave: C, nombre: Trámite C, prefijo: C, agenda: {duracion_min: 20}}\n"
        "  - {clave: B, nombre: Trámite B, prefijo: B, agenda: {duracion_min: 1}}\n",
        encoding="utf-8",
    )
    r = turnos("catalogo", "importar", str(malo), "--centro", "prueba", db=db_url)
    assert r.returncode != 0 and "Trámite #2" in r.stderr and "5 a 240 minutos" in r.stderr
    malo.write_text(
        "tramites:\n  - {clave: C, nombre: Trámite C, prefijo: C, agenda: {cupo: 2}}\n",
        encoding="utf-8",
    )
    r = turnos("catalogo", "importar", str(malo), "--centro", "prueba", db=db_url)
    assert r.returncode != 0 and "Campos desconocidos en la agenda: cupo" in r.stderr
    with alm.lectura() as c:  # todo o nada: C no recibió agenda
        n = c.execute(text("SELECT count(*) FROM cita_agenda")).scalar_one()
    assert n == 2

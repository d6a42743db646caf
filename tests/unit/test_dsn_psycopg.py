"""La URL de TURNOS_DB pasa al puente LISTEN (psycopg/libpq) con sus ajustes de sesión intactos:
p. ej. `?options=-c%20synchronous_commit%3Dlocal` (docs/OPERACION.md)."""

from psycopg.conninfo import conninfo_to_dict

from turnos.web.tiempo_real import dsn_psycopg


def test_options_con_espacios_llegan_iguales_a_libpq():
    url = (
        "postgresql+psycopg://turnos:s3cr%40to@db.local:5433/turnos"
        "?options=-c%20synchronous_commit%3Dlocal%20-c%20search_path%3Dx"
        "&application_name=turnos"
    )
    partes = conninfo_to_dict(dsn_psycopg(url))
    assert partes["options"] == "-c synchronous_commit=local -c search_path=x"
    assert partes["application_name"] == "turnos"
    assert (partes["user"], partes["password"]) == ("turnos", "s3cr@to")
    assert (partes["host"], partes["port"], partes["dbname"]) == ("db.local", "5433", "turnos")


def test_sin_parametros():
    partes = conninfo_to_dict(dsn_psycopg("postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    assert partes == {"user": "postgres", "host": "127.0.0.1", "port": "5432", "dbname": "test"}

"""Administración de cuentas como servicios (issue 9 punto 5): cada comando revisa el permiso
dentro del servicio, es una transacción y deja su evento en la bitácora de cuentas (con nombres
al listarla, nunca contraseñas ni tokens)."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import NoResultFound

from tests.conftest import AHORA, sembrar_centro
from turnos.cli import main
from turnos.errores import Conflicto, EntradaInvalida, Prohibido
from turnos.permisos import Actor
from turnos.servicios import auditoria, cuentas

CLAVE = "una-temporal-larga"


@pytest.fixture
def admin(alm, centro):
    uid = cuentas.crear_usuario(alm, "estatal", "contrasena-segura", "admin", None)
    return Actor("usuario", uid, "admin", None, "Estatal")


def _tipos(alm):
    return [(e["tipo"], e["autor"], e["usuario"]) for e in auditoria.eventos_cuentas(alm)]


def test_cada_servicio_deja_su_evento_con_nombres(alm, centro, admin):
    jefe, v1 = centro.jefe, centro.staff[0].id
    nuevo = cuentas.crear_usuario(
        alm, "nueva", "contrasena-segura", "ventanilla", "prueba", quien=jefe, ahora=AHORA
    )
    cuentas.cambiar_rol(alm, jefe, nuevo, "jefe", AHORA)
    cuentas.restablecer_contrasena(alm, jefe, v1, CLAVE, AHORA)
    cuentas.cerrar_sesiones(alm, jefe, v1, AHORA)
    cuentas.desactivar(alm, jefe, v1, AHORA)
    cuentas.reactivar(alm, admin, v1, AHORA)
    token = cuentas.crear_token_personal(alm, "nueva", AHORA, "script", quien=admin)
    did, dtoken = cuentas.crear_dispositivo(alm, "prueba", "kiosco", "k9", AHORA, quien=jefe)
    cuentas.revocar_tokens_dispositivo(alm, did, AHORA, quien=jefe)
    with alm.lectura() as c:
        tid = c.execute(text("SELECT max(id) FROM token WHERE usuario_id = :u"), {"u": nuevo})
        tid = tid.scalar_one()
    cuentas.revocar_token_personal(alm, admin, tid, AHORA)
    esperados = [
        ("cuenta_creada", "jefe-prueba", "nueva"),
        ("rol_cambiado", "jefe-prueba", "nueva"),
        ("contrasena_restablecida", "jefe-prueba", "v1-prueba"),
        ("sesiones_cerradas", "jefe-prueba", "v1-prueba"),
        ("cuenta_desactivada", "jefe-prueba", "v1-prueba"),
        ("cuenta_reactivada", "estatal", "v1-prueba"),
        ("token_creado", "estatal", "nueva"),
        ("dispositivo_creado", "jefe-prueba", None),
        ("dispositivo_revocado", "jefe-prueba", None),
        ("token_revocado", "estatal", "nueva"),
    ]
    assert _tipos(alm)[-len(esperados) :] == esperados
    with alm.lectura() as c:
        crudo = json.dumps([list(f) for f in c.execute(text("SELECT * FROM evento_cuenta"))])
    for secreto in (CLAVE, "contrasena-segura", token, dtoken):
        assert secreto not in crudo


def test_permiso_se_revisa_dentro_del_servicio(alm, centro, admin):
    otro = sembrar_centro(alm, "otro", ventanillas=1)
    v1 = centro.staff[0].id
    for intento in (
        lambda: cuentas.desactivar(alm, otro.jefe, v1, AHORA),
        lambda: cuentas.cerrar_sesiones(alm, otro.jefe, v1, AHORA),
        lambda: cuentas.restablecer_contrasena(alm, otro.jefe, v1, CLAVE, AHORA),
        lambda: cuentas.cambiar_rol(alm, centro.jefe, v1, "admin", AHORA),  # escalar a admin
        lambda: cuentas.desactivar(alm, centro.jefe, admin.id, AHORA),  # cuenta estatal
        lambda: cuentas.desactivar(alm, centro.staff[1], v1, AHORA),  # rol ventanilla
        lambda: cuentas.crear_token_personal(alm, "v1-prueba", AHORA, quien=centro.jefe),
        lambda: cuentas.crear_usuario(
            alm, "intrusa", "contrasena-segura", "admin", None, quien=centro.jefe
        ),
        lambda: cuentas.revocar_tokens_dispositivo(alm, centro.kiosco.id, AHORA, quien=otro.jefe),
    ):
        with pytest.raises(Prohibido):
            intento()
    with pytest.raises(Conflicto):
        cuentas.desactivar(alm, centro.jefe, centro.jefe.id, AHORA)
    with pytest.raises(EntradaInvalida):
        cuentas.restablecer_contrasena(alm, centro.jefe, v1, "corta", AHORA)
    assert not any(t == "cuenta_desactivada" for t, _, _ in _tipos(alm))


def test_evento_y_cambio_van_en_la_misma_transaccion(alm, centro):
    """Si el evento no se puede escribir, el cambio tampoco queda."""
    with alm.motor.begin() as c:
        c.execute(text("DELETE FROM ajuste WHERE clave = 'cuentas_punta'"))
    with pytest.raises(NoResultFound):  # sin la punta de la cadena no hay evento
        cuentas.desactivar(alm, centro.jefe, centro.staff[0].id, AHORA)
    with alm.lectura() as c:
        activo = c.execute(
            text("SELECT activo FROM usuario WHERE id = :u"), {"u": centro.staff[0].id}
        ).scalar_one()
    assert activo


def test_cli_contrasena_y_auditar_cuentas(alm, centro, db_url, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("corta\n"))
    assert main(["usuarios", "contrasena", "v1-prueba", "--db", db_url]) == 2
    assert "al menos 10" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("nueva-contrasena-cli\n"))
    assert main(["usuarios", "contrasena", "v1-prueba", "--db", db_url]) == 0
    assert cuentas.autenticar(alm, "v1-prueba", "nueva-contrasena-cli") is not None
    assert cuentas.autenticar(alm, "v1-prueba", "contrasena-segura") is None
    capsys.readouterr()
    assert main(["auditar", "--cuentas", "--db", db_url]) == 0
    salida = capsys.readouterr().out
    assert "íntegra" in salida
    assert "contrasena_restablecida" in salida and "por sistema" in salida
    assert "v1-prueba" in salida and "nueva-contrasena-cli" not in salida
    with alm.motor.begin() as c:
        c.execute(text('UPDATE evento_cuenta SET datos = \'{"rol": "admin"}\' WHERE seq = 2'))
    assert main(["auditar", "--cuentas", "--db", db_url]) == 1
    assert "ALTERACIÓN" in capsys.readouterr().out

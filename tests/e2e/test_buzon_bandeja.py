"""Bandeja del personal por la app real: canalizar y re-canalizar con historia (de → a, quién,
por qué) y aviso a la unidad nueva por SMTP real (aiosmtpd), estados guardados por la BD,
cerrar exige resolución, nota interna invisible al ciudadano, captura por el personal."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.buzon_apoyo import URL, con_catalogo
from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from tests.e2e.test_paginas_personal import csrf
from tests.integration.test_citas_correo import smtp  # noqa: F401 - fixture
from turnos.settings import Settings
from turnos.web.app import crear_app


def _accion(cliente, token, folio, **datos):
    pagina = cliente.get(f"/buzon/prueba/casos/{folio}", headers=bearer(token))
    assert pagina.status_code == 200, pagina.text
    return cliente.post(
        f"/buzon/prueba/casos/{folio}",
        data={"csrf": csrf(pagina.text), **datos},
        headers=bearer(token),
        follow_redirects=False,
    )


def _esperar(buzon, n):
    limite = time.monotonic() + 20
    while len(buzon.mensajes) < n and time.monotonic() < limite:
        time.sleep(0.05)


def _historia(alm, folio):
    with alm.lectura() as c:
        return [
            tuple(f)
            for f in c.execute(
                text(
                    "SELECT m.tipo, m.de_estado, m.a_estado, de.clave, a.clave, m.usuario_id,"
                    " m.texto FROM buzon_movimiento m JOIN buzon_caso k ON k.id = m.caso_id"
                    " LEFT JOIN buzon_unidad de ON de.id = m.de_unidad_id"
                    " LEFT JOIN buzon_unidad a ON a.id = m.a_unidad_id WHERE k.folio = :f"
                    " ORDER BY m.id"
                ),
                {"f": folio},
            )
        ]


def test_recanalizar_con_historia_y_correo_a_la_unidad_nueva(alm, centro, db_url, smtp):  # noqa: F811
    buzon, url = smtp
    unidades = con_catalogo(alm)
    app = crear_app(Settings(db=db_url, secreto="s", smtp_url=url), reloj=lambda: AHORA)
    jefe = centro.jefe_token
    with TestClient(app) as cliente:
        r = cliente.post(
            URL,
            json={
                "tipo": "queja",
                "descripcion": "La pantalla no llama",
                "correo": "ciudadana@x.mx",
            },
        )
        caso = r.json()
        folio = caso["folio"]
        _esperar(buzon, 1)  # la tabla de rutas la mandó a Atención, y Atención recibió el aviso
        assert [m["To"] for m in buzon.mensajes] == ["atencion@x.mx"]
        assert folio in buzon.mensajes[0]["Subject"]
        assert "ciudadana@x.mx" not in buzon.mensajes[0].get_payload()

        # Cambiar la unidad exige decir por qué.
        r = _accion(cliente, jefe, folio, accion="canalizar", unidad=str(unidades["sistemas"]))
        assert r.status_code == 303
        assert _historia(alm, folio)[-1][0] == "canalizacion"
        assert len([h for h in _historia(alm, folio) if h[0] == "canalizacion"]) == 1
        r = _accion(
            cliente,
            jefe,
            folio,
            accion="canalizar",
            unidad=str(unidades["sistemas"]),
            motivo="Es del kiosco, no de atención",
        )
        assert r.status_code == 303
        _esperar(buzon, 2)
        assert [m["To"] for m in buzon.mensajes] == ["atencion@x.mx", "sistemas@x.mx"]

        # Estados: responder y cerrar exigen texto; el ciudadano ve la respuesta, no la nota.
        assert (
            _accion(cliente, jefe, folio, accion="nota", texto="Revisar bocinas").status_code == 303
        )
        _accion(cliente, jefe, folio, accion="estado", estado="en_atencion")
        _accion(cliente, jefe, folio, accion="estado", estado="respondida", texto="")
        with alm.lectura() as c:
            assert c.execute(text("SELECT estado FROM buzon_caso")).scalar_one() == "en_atencion"
        _accion(
            cliente,
            jefe,
            folio,
            accion="estado",
            estado="respondida",
            texto="Cambiamos la bocina del llamado.",
        )
        _accion(
            cliente,
            jefe,
            folio,
            accion="estado",
            estado="cerrada",
            texto="Resuelto: la pantalla ya llama.",
        )
        # Un estado que no sigue del actual no se aplica.
        _accion(cliente, jefe, folio, accion="estado", estado="en_atencion")
        pagina = cliente.get(f"/buzon/prueba/casos/{folio}", headers=bearer(jefe))
        assert (
            "Es del kiosco, no de atención" in pagina.text and "Atención → Sistemas" in pagina.text
        )

        publico = cliente.get(f"/api/v1/manifestaciones/{folio}", params={"clave": caso["clave"]})
    d = publico.json()
    assert d["estado"] == "cerrada" and d["resolucion"] == "Resuelto: la pantalla ya llama."
    textos = [h["texto"] for h in d["historia"]]
    assert "Cambiamos la bocina del llamado." in textos and "Revisar bocinas" not in str(d)
    assert "Sistemas" not in str(d) and "Es del kiosco" not in str(d)

    jefe_id = centro.jefe.id
    historia = _historia(alm, folio)
    assert historia[:3] == [
        ("estado", "", "recibida", None, None, None, ""),
        ("canalizacion", "recibida", "canalizada", None, "atencion", None, "tabla de canalización"),
        (
            "canalizacion",
            "canalizada",
            "canalizada",
            "atencion",
            "sistemas",
            jefe_id,
            "Es del kiosco, no de atención",
        ),
    ]
    assert [h[2] for h in historia if h[0] == "estado"] == [
        "recibida",
        "en_atencion",
        "respondida",
        "cerrada",
    ]
    with alm.lectura() as c:
        tipos = [
            t
            for (t,) in c.execute(
                text("SELECT tipo FROM evento WHERE tipo LIKE 'buzon_%' ORDER BY seq")
            )
        ]
        k = c.execute(
            text("SELECT primera_unidad_id, unidad_id, respuesta_ms, cerrado_ms FROM buzon_caso")
        ).one()
    assert tipos == [
        "buzon_recibida",
        "buzon_canalizada",
        "buzon_canalizada",
        "buzon_nota",
        "buzon_estado",
        "buzon_estado",
        "buzon_estado",
    ]
    assert (k.primera_unidad_id, k.unidad_id) == (unidades["atencion"], unidades["sistemas"])
    assert k.respuesta_ms is not None and k.cerrado_ms is not None


def test_un_caso_cerrado_no_se_reabre_ni_se_canaliza(alm, centro):
    from buzon import atencion, casos
    from turnos.errores import Conflicto

    u = con_catalogo(alm)
    r = casos.abrir(alm, "prueba", tipo="queja", descripcion="x", canal="web", ahora=AHORA)
    atencion.cambiar_estado(
        alm, "prueba", r["folio"], "no_procede", "No es de este centro", centro.jefe, AHORA
    )
    with pytest.raises(Conflicto, match="no pasa"):
        atencion.cambiar_estado(alm, "prueba", r["folio"], "en_atencion", "", centro.jefe, AHORA)
    with pytest.raises(Conflicto):
        atencion.canalizar(alm, "prueba", r["folio"], u["oic"], "x", centro.jefe, AHORA)
    with pytest.raises(Conflicto, match="cerrado"):
        casos.agregar(alm, r["folio"], r["clave"], "más datos", AHORA)


def test_captura_por_el_personal(alm, centro, cliente):
    con_catalogo(alm)
    token = centro.staff_tokens[0]  # ventanilla: captura, pero no ve la bandeja
    pagina = cliente.get("/buzon/prueba/captura", headers=bearer(token))
    assert pagina.status_code == 200
    r = cliente.post(
        "/buzon/prueba/captura",
        data={
            "csrf": csrf(pagina.text),
            "tipo": "peticion",
            "canal": "telefono",
            "descripcion": "Piden horario sabatino",
        },
        headers=bearer(token),
    )
    assert r.status_code == 201
    folio = re.search(r'data-campo="folio">([^<]+)<', r.text).group(1)
    with alm.lectura() as c:
        fila = c.execute(
            text("SELECT canal, capturo_id FROM buzon_caso WHERE folio = :f"), {"f": folio}
        ).one()
    assert fila.canal == "telefono" and fila.capturo_id == centro.staff[0].id
    assert cliente.get("/buzon/prueba/bandeja", headers=bearer(token)).status_code == 403


def test_contraloria_entra_por_sesion_a_su_bandeja(alm, centro, cliente):
    from tests.buzon_apoyo import contraloria
    from tests.e2e.test_paginas_personal import entrar

    contraloria(alm)
    pagina = cliente.get("/login")
    r = cliente.post(
        "/login?siguiente=/buzon/bandeja",
        data={
            "csrf": csrf(pagina.text),
            "usuario": "contra-prueba",
            "password": "contrasena-segura",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/buzon/bandeja"
    r = cliente.get("/buzon/bandeja", follow_redirects=False)
    assert r.headers["location"] == "/buzon/prueba/bandeja"
    assert cliente.get("/buzon/prueba/bandeja").status_code == 200
    cliente.cookies.clear()
    assert entrar(cliente, "v1-prueba").status_code == 303
    ventanilla = cliente.get("/ventanilla")
    assert 'href="/buzon/prueba/captura"' in ventanilla.text


def test_permisos_del_rol_contraloria():
    from turnos.permisos import Rol, permisos_de

    assert Rol.CONTRALORIA == "contraloria"
    assert {"buzon_denuncias", "buzon_capturar"} <= permisos_de("contraloria")
    assert "buzon_atender" not in permisos_de("contraloria")
    assert "buzon_denuncias" not in permisos_de("jefe") | permisos_de("ventanilla")
    assert "ver_tablero" not in permisos_de("contraloria")


def test_recordatorio_a_la_unidad_una_sola_vez_por_smtp_real(alm, centro, smtp):  # noqa: F811
    from buzon import casos, correo

    buzon, url = smtp
    con_catalogo(alm)
    r = casos.abrir(
        alm, "prueba", tipo="felicitacion", descripcion="Gracias", canal="web", ahora=AHORA
    )  # 5 días de plazo
    assert correo.recordar_vencidos(alm, AHORA + timedelta(days=4)) == 0
    assert correo.recordar_vencidos(alm, AHORA + timedelta(days=6)) == 1
    assert correo.recordar_vencidos(alm, AHORA + timedelta(days=7)) == 0  # solo una vez
    assert correo.enviar_pendientes(alm, AHORA + timedelta(days=7), correo.leer_url(url)) == 2
    asuntos = [(m["To"], m.get_payload().splitlines()[0]) for m in buzon.mensajes]
    assert asuntos == [
        ("atencion@x.mx", f"Se le canalizó el caso {r['folio']} (Felicitación)."),
        ("atencion@x.mx", f"Recordatorio: venció el plazo del caso {r['folio']} (Felicitación)."),
    ]


def test_el_jefe_no_administra_cuentas_de_contraloria(alm, centro):
    """Si la jefatura pudiera crear, restablecer o asignarse una cuenta de contraloría, leería
    las denuncias sobre su propio personal. Solo administración las administra."""
    from tests.buzon_apoyo import contraloria
    from turnos.errores import Prohibido
    from turnos.servicios import cuentas

    with pytest.raises(Prohibido):
        cuentas.crear_usuario(
            alm,
            "oic-del-jefe",
            "contrasena-segura",
            "contraloria",
            "prueba",
            "X",
            quien=centro.jefe,
        )
    contraloria(alm)
    with pytest.raises(Prohibido):
        cuentas.restablecer_contrasena(
            alm, centro.jefe, "contra-prueba", "otra-contrasena-1", AHORA
        )
    with pytest.raises(Prohibido):
        cuentas.cambiar_rol(alm, centro.jefe, "v1-prueba", "contraloria", AHORA)

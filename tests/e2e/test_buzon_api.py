"""API del buzón por la app real (DESIGN.md §4 «Buzón»): cada tipo, folio con verificador,
clave (buena y mala), límite de tasa y campo trampa, denuncia anónima fuera del alcance de
jefe y ventanilla y al alcance de contraloría; bitácora sin identidad ni texto."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from buzon import reglas
from tests.buzon_apoyo import URL, con_catalogo, contraloria
from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from turnos.servicios import auditoria

ZONA = ZoneInfo("America/Mexico_City")


@pytest.mark.parametrize("tipo", list(reglas.TIPOS))
def test_cada_tipo_se_recibe_y_se_consulta(alm, centro, cliente, tipo):
    con_catalogo(alm)
    r = cliente.post(
        URL, json={"tipo": tipo, "descripcion": f"Texto de {tipo}", "correo": "a@b.mx"}
    )
    assert r.status_code == 201, r.text
    d = r.json()
    assert set(d) == {"folio", "clave", "estado", "vence"}
    assert d["folio"].startswith("PRUEBA-2026-00001-")
    assert reglas.normalizar_folio(d["folio"]) == d["folio"]
    assert d["estado"] == "canalizada"  # la tabla de rutas la canalizó al llegar
    # vence = recibida + SLA del tipo, en hora del centro (-06:00)
    esperado = (AHORA + timedelta(days=reglas.SLA_DIAS[tipo])).astimezone(ZONA)
    assert d["vence"] == esperado.isoformat()
    r = cliente.get(f"/api/v1/manifestaciones/{d['folio']}", params={"clave": d["clave"]})
    assert r.status_code == 200
    caso = r.json()
    assert caso["estado"] == "canalizada" and caso["tipo"] == tipo and caso["vence"] == d["vence"]
    plano = json.dumps(caso)
    assert "a@b.mx" not in plano and "Atención" not in plano  # ni identidad ni unidad interna
    # Clave errónea, folio mal escrito o inexistente: el mismo 404.
    for folio, clave in (
        (d["folio"], "AAAA-BBBB-CCCC"),
        (d["folio"][:-1] + ("0" if d["folio"][-1] != "0" else "1"), d["clave"]),
        ("PRUEBA-2026-00099-" + reglas.verificador("PRUEBA-2026-00099"), d["clave"]),
    ):
        r = cliente.get(f"/api/v1/manifestaciones/{folio}", params={"clave": clave})
        assert r.status_code == 404 and r.json()["error"] == "no_encontrado"


def test_vence_por_sla_del_tipo(alm, centro, cliente):
    r = cliente.post(URL, json={"tipo": "queja", "descripcion": "x"})
    # AHORA = 2026-11-23 16:00 UTC (10:00 en el centro); queja: 10 días.
    assert r.json()["vence"] == "2026-12-03T10:00:00-06:00"
    assert r.json()["estado"] == "recibida"  # sin tabla de rutas, espera canalización


def test_folios_consecutivos_y_unicos_en_bd(alm, centro, cliente):
    folios = [
        cliente.post(URL, json={"tipo": "sugerencia", "descripcion": str(i)}).json()["folio"]
        for i in range(3)
    ]
    assert [f.rsplit("-", 2)[1] for f in folios] == ["00001", "00002", "00003"]
    with pytest.raises(Exception, match="(?i)unique|duplicate"), alm.transaccion() as tx:
        tx.ejecutar(
            text("UPDATE buzon_caso SET folio = :f WHERE folio = :g"),
            {"f": folios[0], "g": folios[1]},
        )


def test_errores_de_entrada_son_4xx(alm, centro, cliente):
    for cuerpo, codigo in (
        ({"tipo": "otro", "descripcion": "x"}, "tipo_invalido"),
        ({"tipo": "queja"}, "campo_faltante"),
        ({"tipo": "queja", "descripcion": "x" * 4001}, "entrada_invalida"),
        ({"tipo": "queja", "descripcion": "x", "correo": "no-es-correo"}, "correo_invalido"),
        ({"tipo": "queja", "descripcion": "x", "turno": "Z-999"}, "turno_no_encontrado"),
    ):
        r = cliente.post(URL, json=cuerpo)
        assert r.status_code == 400 and r.json()["error"] == codigo, (cuerpo, r.text)


def test_campo_trampa_rechaza_sin_guardar(alm, centro, cliente):
    r = cliente.post(URL, json={"tipo": "queja", "descripcion": "x", "sitio_web": "http://spam"})
    assert r.status_code == 400 and r.json()["error"] == "rechazada"
    with alm.lectura() as c:
        assert c.execute(text("SELECT count(*) FROM buzon_caso")).scalar_one() == 0
    r = cliente.post(
        "/api/v1/centros/nada/manifestaciones", json={"tipo": "queja", "descripcion": "x"}
    )
    assert r.status_code == 404


def test_limite_de_tasa_429(alm, centro, cliente):
    estados = [
        cliente.post(URL, json={"tipo": "sugerencia", "descripcion": "x"}).status_code
        for _ in range(6)
    ]
    assert estados[:5] == [201] * 5 and estados[5] == 429
    r = cliente.post(URL, json={"tipo": "sugerencia", "descripcion": "x"})
    assert int(r.headers["retry-after"]) > 0 and r.json()["error"] == "demasiadas_solicitudes"


def test_turno_relacionado_da_tramite(alm, centro, cliente):
    t = cliente.post(
        "/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=bearer(centro.kiosco_token)
    ).json()
    r = cliente.post(URL, json={"tipo": "queja", "descripcion": "x", "turno": t["folio"]})
    assert r.status_code == 201
    with alm.lectura() as c:
        fila = c.execute(text("SELECT turno_id, tramite_id FROM buzon_caso")).one()
    assert fila.turno_id is not None and fila.tramite_id is not None


def test_denuncia_anonima_solo_para_contraloria(alm, centro, cliente):
    con_catalogo(alm)
    token_contra = contraloria(alm)
    r = cliente.post(
        URL,
        json={
            "tipo": "denuncia",
            "descripcion": "Me pidieron 200 pesos",
            "anonima": True,
            "correo": "yo@x.mx",
        },
    )
    assert r.status_code == 201
    folio = r.json()["folio"]
    with alm.lectura() as c:
        fila = c.execute(text("SELECT correo, telefono FROM buzon_caso")).one()
        assert tuple(fila) == ("", "")  # anónima: no se guardó el contacto
    queja = cliente.post(URL, json={"tipo": "queja", "descripcion": "Tardaron mucho"}).json()
    # jefe y ventanilla no la ven: ni en la lista ni por folio
    r = cliente.get("/buzon/prueba/bandeja", headers=bearer(centro.jefe_token))
    assert r.status_code == 200 and folio not in r.text and queja["folio"] in r.text
    r = cliente.get(f"/buzon/prueba/casos/{folio}", headers=bearer(centro.jefe_token))
    assert r.status_code == 404 and "200 pesos" not in r.text
    r = cliente.get("/buzon/prueba/bandeja", headers=bearer(centro.staff_tokens[0]))
    assert r.status_code == 403
    # contraloría sí, y solo las denuncias
    r = cliente.get("/buzon/prueba/bandeja", headers=bearer(token_contra))
    assert r.status_code == 200 and folio in r.text and queja["folio"] not in r.text
    r = cliente.get(f"/buzon/prueba/casos/{folio}", headers=bearer(token_contra))
    assert r.status_code == 200 and "200 pesos" in r.text and "Anónima" in r.text
    # la bitácora encadenada tiene el evento, sin texto ni identidad, y sigue íntegra
    with alm.lectura() as c:
        datos = [
            json.loads(d)
            for (d,) in c.execute(
                text("SELECT datos FROM evento WHERE tipo LIKE 'buzon_%' ORDER BY seq")
            )
        ]
    assert any(d.get("folio") == folio for d in datos)
    assert "200 pesos" not in json.dumps(datos) and "yo@x.mx" not in json.dumps(datos)
    assert auditoria.auditar(alm, "prueba")[1] is None

"""La demostración del buzón («hecho cuando» del issue): con el centro demo, una queja desde el
kiosco, la jefa la canaliza y responde, el ciudadano ve la respuesta por folio y el reporte del
mes la cuenta. La demo siembra unidades, asuntos y rutas (marcados `demo`) y la cuenta de
contraloría."""

from __future__ import annotations

from sqlalchemy import text
from starlette.testclient import TestClient

from buzon import atencion, reportes
from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from turnos import demo
from turnos.servicios import cuentas
from turnos.settings import Settings
from turnos.web.app import crear_app

NOMBRE_INSTALACIONES = "Instalaciones y limpieza"  # buzon/demo.py


def test_demo_de_punta_a_punta(db_url, alm):
    demo.sembrar(alm, AHORA)
    with alm.lectura() as c:
        assert c.execute(text("SELECT count(*) FROM buzon_unidad WHERE demo")).scalar_one() == 3
        assert c.execute(text("SELECT count(*) FROM buzon_asunto WHERE demo")).scalar_one() == 5
        rol = c.execute(text("SELECT rol FROM usuario WHERE usuario = 'contraloria'")).scalar_one()
    assert rol == "contraloria"
    jefa = cuentas.crear_token_personal(alm, "jefa", AHORA)
    app = crear_app(Settings(db=db_url, secreto="s"), reloj=lambda: AHORA)
    with TestClient(app) as cliente:
        r = cliente.post(
            "/api/v1/centros/demo/manifestaciones",
            json={
                "tipo": "queja",
                "descripcion": "El baño está cerrado",
                "asunto": "instalaciones",
            },
        )
        folio, clave = r.json()["folio"], r.json()["clave"]
        bandeja = cliente.get("/buzon/demo/bandeja", headers=bearer(jefa)).text
        assert bandeja.count(f'data-folio="{folio}"') == 1
        # El asunto se lee por su nombre del catálogo, no por su clave.
        assert f"<td>{NOMBRE_INSTALACIONES}</td>" in bandeja
        caso = cliente.get(f"/buzon/demo/casos/{folio}", headers=bearer(jefa)).text
        assert f"<dd>{NOMBRE_INSTALACIONES}</dd>" in caso
    jefa_actor = next(a for a in [cuentas_actor(alm, "jefa")] if a is not None)
    atencion.cambiar_estado(alm, "demo", folio, "respondida", "Ya está abierto.", jefa_actor, AHORA)
    with TestClient(app) as cliente:
        d = cliente.get(f"/api/v1/manifestaciones/{folio}", params={"clave": clave}).json()
        base = "/tablero/demo/reportes?desde=2026-11-01&hasta=2026-11-30"
        informe = cliente.get(base + "&vista=indicadores", headers=bearer(jefa))
        csv = cliente.get(base + "&vista=indicadores&formato=csv&tabla=buzon", headers=bearer(jefa))
    assert ">Buzón ciudadano por tipo</h2>" in informe.text
    assert csv.text.splitlines()[1].startswith("queja,1,1,0,0.0,")  # respondida el mismo día
    assert d["estado"] == "respondida" and d["historia"][-1]["texto"] == "Ya está abierto."
    with alm.lectura() as c:
        cid = c.execute(text("SELECT id FROM centro WHERE slug = 'demo'")).scalar_one()
        fila = reportes.por_tipo(c, cid, AHORA.date(), AHORA.date(), "America/Mexico_City")[0]
    assert fila["tipo"] == "queja" and fila["recibidas"] == 1


def cuentas_actor(alm, usuario):
    from turnos.permisos import Actor

    with alm.lectura() as c:
        f = c.execute(
            text("SELECT id, rol, centro_id, nombre FROM usuario WHERE usuario = :u"),
            {"u": usuario},
        ).one()
    return Actor("usuario", f.id, f.rol, f.centro_id, f.nombre)

"""/metrics tras reiniciar parte de los acumulados guardados (`metricas_acumulado`) y lee solo la
bitácora posterior: las cifras son idénticas a recorrer la bitácora completa, en SQLite y en
PostgreSQL, y el texto sigue pasando `promtool check metrics`."""

from __future__ import annotations

import shutil
import subprocess

from sqlalchemy import text
from starlette.testclient import TestClient

from metricas import prometheus as prom
from metricas.consultas import olvidar_cache
from tests.conftest import minutos, omitir
from tests.e2e.test_prometheus import muestras, valor
from tests.integration.test_metricas_kpis import escenario
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, emision, ventanillas
from turnos.settings import Settings
from turnos.web.app import crear_app


def _scrape(db_url: str, t: float = 200) -> tuple[str, prom.Exportador]:
    app = crear_app(Settings(db=db_url, secreto="x"), reloj=lambda: minutos(t))
    with TestClient(app) as cliente:
        r = cliente.get("/metrics")
    assert r.status_code == 200
    return r.text, prom.exportador_de(app)


def _guardados(alm) -> dict[int, int]:
    with alm.lectura() as conn:
        return dict(conn.execute(text("SELECT centro_id, seq FROM metricas_acumulado")).all())


def _punta(alm, cid: int) -> int:
    with alm.lectura() as conn:
        return conn.execute(
            text("SELECT seq FROM cadena WHERE centro_id = :c"), {"c": cid}
        ).scalar()


def _mas_eventos(alm, c) -> None:
    """Más turnos después de lo guardado: emitidos, llamados, atendidos y un ausente."""
    s1 = c.staff[0]
    ventanillas.cambiar_estado(alm, c.slug, 1, "abierta", s1, minutos(99))
    for i, tramite in enumerate(("A", "B", "A")):
        emision.emitir(alm, c.slug, tramite, c.kiosco, minutos(100 + i))
    for i in range(3):
        atencion.llamar(alm, c.slug, 1, s1, minutos(110 + 10 * i))
        accion = Accion.AUSENTE if i == 1 else Accion.FINALIZAR
        if accion is Accion.FINALIZAR:
            atencion.actuar(alm, c.slug, 1, Accion.INICIAR, s1, minutos(111 + 10 * i))
        atencion.actuar(alm, c.slug, 1, accion, s1, minutos(115 + 10 * i))


def test_reinicio_parte_de_lo_guardado_y_da_lo_mismo_que_recorrer(alm, centro, db_url) -> None:
    olvidar_cache()
    escenario(alm, centro)
    primero, _ = _scrape(db_url)
    cid = centro.jefe.centro_id
    guardado = _punta(alm, cid)
    assert _guardados(alm) == {cid: guardado}  # el primer scrape guardó hasta la punta
    _mas_eventos(alm, centro)
    assert _punta(alm, cid) > guardado

    reiniciado, exp = _scrape(db_url)  # proceso nuevo: parte de lo guardado
    assert exp.estado.guardado == {cid: _punta(alm, cid)}  # leyó el guardado y lo avanzó
    assert _guardados(alm) == {cid: _punta(alm, cid)}
    with alm.transaccion() as tx:
        tx.conn.execute(text("DELETE FROM metricas_acumulado"))
    desde_cero, exp0 = _scrape(db_url)  # sin nada guardado: recorre la bitácora
    assert exp0.estado.guardado == {cid: _punta(alm, cid)}
    assert muestras(reiniciado) == muestras(desde_cero)
    m = muestras(reiniciado)
    assert muestras(primero) != m
    antes = muestras(primero)
    for familia, mas in (("turnos_atendidos_total", 2), ("turnos_ausentes_total", 1)):
        suma = sum(v for k, v in m.items() if k[0] == familia)
        assert suma == sum(v for k, v in antes.items() if k[0] == familia) + mas
    if shutil.which("promtool") is None:
        omitir("falta promtool (apt-get install prometheus)")
    r = subprocess.run(
        ["promtool", "check", "metrics"], input=reiniciado.encode(), capture_output=True
    )
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()


def test_lo_guardado_se_lee_y_se_ignora_si_la_bitacora_quedo_atras(alm, centro, db_url) -> None:
    olvidar_cache()
    escenario(alm, centro)
    real, _ = _scrape(db_url)
    punta = _punta(alm, centro.jefe.centro_id)
    # Lo guardado manda: una marca en el JSON aparece en el proceso nuevo (no recorrió).
    with alm.transaccion() as tx:
        tx.conn.execute(
            text("UPDATE metricas_acumulado SET datos = replace(datos, :a, :b)"),
            {"a": '"impresiones":0', "b": '"impresiones":41'},
        )
    marcado, _ = _scrape(db_url)
    assert valor(muestras(marcado), "turnos_impresiones_fallidas_total", centro="prueba") == 41
    # Un guardado más adelante que la bitácora (respaldo restaurado) se ignora: se recorre.
    with alm.transaccion() as tx:
        tx.conn.execute(text("UPDATE metricas_acumulado SET seq = :s"), {"s": punta + 1000})
    restaurado, exp = _scrape(db_url)
    assert muestras(restaurado) == muestras(real)
    assert _guardados(alm) == {centro.jefe.centro_id: punta}  # y lo reemplaza

"""/metrics publica la precisión del estimador (back-test del día anterior), válida para
promtool y sin datos personales. El scrape no la calcula: la guarda en `metricas_eta_dia` el
trabajo en segundo plano o `turnos metricas resumir`, y el scrape solo la lee."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from metricas import eta_metricas, resumen
from tests.conftest import AHORA
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, emision, ventanillas

AYER = AHORA - timedelta(days=1)


def _en(minutos):
    return AYER + timedelta(minutes=minutos)


def test_metrics_publica_mae_y_cobertura_de_ayer(alm, centro, cliente):
    v = centro.staff[0]
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", v, AYER)
    for i in range(2):
        emision.emitir(alm, "prueba", "A", centro.kiosco, _en(1 + i), nombre="Persona Secreta")
    atencion.llamar(alm, "prueba", 1, v, _en(1))
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, _en(11))
    atencion.llamar(alm, "prueba", 1, v, _en(11))
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, _en(20))
    emision.emitir(alm, "prueba", "B", centro.kiosco, AHORA)  # hoy: aún no se evalúa
    guardar_eta(alm)
    texto = cliente.get("/metrics").text
    valores = {
        (m.name, m.labels["centro"], m.labels["tramite"]): m.value
        for familia in text_string_to_metric_families(texto)
        for m in familia.samples
        if m.name.startswith("turnos_eta_")
    }
    # Mismo día que tests/integration/test_eta_evaluar.py: errores 0 y +84 s.
    assert abs(valores[("turnos_eta_error_absoluto_medio_seconds", "prueba", "A")] - 42) <= 1
    assert valores[("turnos_eta_cobertura_ratio", "prueba", "A")] == 1.0
    assert {k[2] for k in valores} == {"A"}
    assert "# TYPE turnos_eta_cobertura_ratio gauge" in texto
    assert "Persona Secreta" not in texto
    assert shutil.which("promtool"), "promtool es parte del entorno de pruebas"
    r = subprocess.run(
        ["promtool", "check", "metrics"], input=texto.encode(), capture_output=True, timeout=30
    )
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()


def guardar_eta(alm):
    """Lo que hace el operador tras cargar ayer: el trabajo en segundo plano del servidor pudo
    guardar ya la de un día aún vacío; `turnos metricas resumir` la recalcula."""
    ayer = AYER.date()
    resumen.resumir(alm, "prueba", ayer, ayer, AHORA)


def test_el_scrape_lee_la_precision_guardada_y_sobrevive_al_reinicio(alm, centro):
    """El scrape no hace el back-test; calculada una vez y guardada, un proceso nuevo la publica
    sin recalcularla; sin la de ayer se publica la última guardada. (Sin servidor: su trabajo en
    segundo plano también la guarda y aquí se quiere ver qué hace el scrape solo.)"""
    v = centro.staff[0]
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", v, AYER)
    for i in range(2):
        emision.emitir(alm, "prueba", "A", centro.kiosco, _en(1 + i))
    for fin in (11, 20):
        atencion.llamar(alm, "prueba", 1, v, _en(fin - 10 if fin == 11 else 11))
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, _en(fin))
    assert b"turnos_eta_cobertura_ratio{" not in eta_metricas.PrecisionEta().texto(alm, AHORA)
    assert eta_metricas.guardar_ayer(alm, AHORA) == 1
    assert eta_metricas.guardar_ayer(alm, AHORA) == 0  # idempotente: ya está guardada
    publicador = eta_metricas.PrecisionEta()
    antes = publicador.texto(alm, AHORA)
    assert b'turnos_eta_cobertura_ratio{centro="prueba",tramite="A"} 1.0' in antes
    assert publicador.texto(alm, AHORA) == antes  # el siguiente scrape (JSON ya decodificado)
    with alm.lectura() as conn:
        assert conn.execute(text("SELECT count(*) FROM metricas_eta_dia")).scalar() == 1
    # «Reinicio»: un exportador nuevo lee lo guardado, el mismo texto byte a byte.
    assert eta_metricas.PrecisionEta().texto(alm, AHORA) == antes
    # Mañana, antes de que el trabajo calcule la de hoy: se publica la última guardada.
    assert eta_metricas.PrecisionEta().texto(alm, AHORA + timedelta(days=1)) == antes


def test_tablero_y_datos_abiertos_muestran_la_exactitud_de_ayer(alm, centro, cliente):
    """La misma cifra que /metrics, junto al KPI de espera en el tablero y en los datos
    abiertos por día y trámite; un trámite con menos de 3 esperas puntuadas no se publica."""
    from metricas import formato
    from tests.e2e.conftest import bearer
    from turnos.dominio.numeracion import dia_local
    from turnos.servicios import consultas

    v = centro.staff[0]
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", v, AYER)
    for i in range(3):
        emision.emitir(alm, "prueba", "A", centro.kiosco, _en(1 + i), nombre="Persona Secreta")
    emision.emitir(alm, "prueba", "B", centro.kiosco, _en(4))  # B: una sola espera
    for i, fin in enumerate((9, 21, 30, 36)):
        atencion.llamar(alm, "prueba", 1, v, _en(1 if i == 0 else (9, 21, 30)[i - 1]))
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, _en(fin))
    guardar_eta(alm)
    metricas_ = {
        (m.name, m.labels["tramite"]): m.value
        for familia in text_string_to_metric_families(cliente.get("/metrics").text)
        for m in familia.samples
        if m.name.startswith("turnos_eta_")
    }
    mae = metricas_[("turnos_eta_error_absoluto_medio_seconds", "A")]
    cobertura = metricas_[("turnos_eta_cobertura_ratio", "A")]

    tablero = cliente.get("/tablero/prueba", headers=bearer(centro.jefe_token)).text
    assert "Error de la estimación (ayer)" in tablero
    fila_a = tablero[tablero.index('data-clave="A"') :].split("</tr>")[0]
    assert f"<td>{formato.duracion(mae)}</td><td>{formato.porcentaje(cobertura)}</td>" in fila_a
    fila_b = tablero[tablero.index('data-clave="B"') :].split("</tr>")[0]
    assert "<td>—</td><td>—</td>" in fila_b

    with alm.lectura() as conn:
        ayer = dia_local(AYER, consultas.centro(conn, "prueba").zona).isoformat()
    r = cliente.get(f"/datos-abiertos/prueba.json?desde={ayer}&hasta={ayer}")
    assert r.status_code == 200
    filas = r.json()["agregados"]["precision_estimador"]
    assert [(f["fecha"], f["tramite_clave"], f["esperas_evaluadas"]) for f in filas] == [
        (ayer, "A", 3)
    ]
    assert abs(filas[0]["eta_mae_min"] * 60 - mae) <= 1
    assert filas[0]["eta_cobertura"] == round(cobertura, 4)
    assert "Persona Secreta" not in r.text
    csv = cliente.get(
        f"/datos-abiertos/prueba.csv?tabla=precision_estimador&desde={ayer}&hasta={ayer}"
    )
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith(
        "fecha,centro,tramite_clave"
    )
    pagina = cliente.get(f"/datos-abiertos/prueba?desde={ayer}&hasta={ayer}").text
    assert "Exactitud de la espera estimada" in pagina


def test_metrics_publica_el_p90_previsto_de_la_alerta_intradia(alm, centro, cliente):
    """`turnos_espera_p90_prevista_seconds`: la misma cifra que alerta el tablero, por centro y
    trámite, sin nombres. A: meta 30 min, atención 15 min (sin historia, la del catálogo)."""
    from metricas import tablero

    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)

    def previstas():
        texto = cliente.get("/metrics").text
        assert "Persona Secreta" not in texto
        r = subprocess.run(
            ["promtool", "check", "metrics"], input=texto.encode(), capture_output=True, timeout=30
        )
        assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
        return {
            (m.labels["centro"], m.labels["tramite"]): m.value
            for familia in text_string_to_metric_families(texto)
            for m in familia.samples
            if m.name == "turnos_espera_p90_prevista_seconds"
        }

    assert previstas() == {}  # sin fila, nada previsto
    emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA, nombre="Persona Secreta")
    assert previstas() == {("prueba", "A"): 120.0}  # la ventanilla libre lo llama ya
    for _ in range(3):
        emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA, nombre="Persona Secreta")
    p90 = previstas()[("prueba", "A")]
    assert p90 > 30 * 60  # rebasa la meta: la regla TurnosEsperaPrevistaSobreMeta dispara
    fila = {t["clave"]: t for t in tablero.estado(alm, "prueba", AHORA)["tramites"]}["A"]
    from metricas import formato

    assert fila["espera_prevista_p90"] == formato.duracion(p90)

"""KPI de un día armado con los servicios reales y horas controladas → cifras calculadas a mano.

Línea de tiempo (minutos desde las 10:00 locales del lunes 2026-11-23; A: espera máx. 30 min,
atención máx. 15; B y C sin metas). V1 la opera staff[0] y V2 staff[1]:

    0  abren V1 y V2; emiten A-001 (kiosco), A-002 (kiosco, preferente)
    2  B-001 (web)   3  A-003 (recepción)   4  B-002 (cita)   5  A-004 (kiosco)
   10  V1 llama → A-002 (preferente: 9 + 15 de ventaja)      11 V1 inicia
   12  V2 llama → A-001   13 V2 rellama   14 V2 inicia
   20  V1 finaliza A-002; A-004 se cancela
   21  V1 llama → B-001   22 V1 marca ausente
   24  V2 transfiere A-001 a B (nuevo tramo en cola)
   25  V1 llama → A-003   26 V1 finaliza sin «iniciar» (atención desde la llamada)
   30  V2 llama A-001 fuera de orden (B-002 esperaba más)   31 V2 inicia   50 V2 finaliza
   52  V1 llama → B-002 e inicia   55 V2 pausa   60 V1 finaliza   61 C-001 (kiosco)
   65  V2 reabre   70 V1 cierra   120 cierre del día (C-001 expira; V2 se cierra)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from metricas import consultas, kpis
from tests.conftest import Centro, minutos
from turnos.db.almacen import Almacen
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, cierre, emision, ventanillas

DIA = date(2026, 11, 23)
MIN = 60.0


@dataclass
class Escenario:
    centro: Centro
    tokens: dict[str, str]


def escenario(alm: Almacen, c: Centro) -> Escenario:
    s1, s2 = c.staff[0], c.staff[1]
    tokens: dict[str, str] = {}

    def emitir(t: float, tramite: str, **kw: str) -> None:
        r = emision.emitir(alm, c.slug, tramite, c.kiosco, minutos(t), **kw)
        tokens[r["folio"]] = r["token"]

    def accion(t: float, numero: int, acc: Accion, actor: object, **kw: str) -> None:
        atencion.actuar(alm, c.slug, numero, acc, actor, minutos(t), **kw)  # type: ignore[arg-type]

    ventanillas.cambiar_estado(alm, c.slug, 1, "abierta", s1, minutos(0))
    ventanillas.cambiar_estado(alm, c.slug, 2, "abierta", s2, minutos(0))
    emitir(0, "A")
    emitir(1, "A", clase="preferente")
    emitir(2, "B", origen="web")
    emitir(3, "A", origen="recepcion")
    emitir(4, "B", origen="cita")
    emitir(5, "A")
    assert atencion.llamar(alm, c.slug, 1, s1, minutos(10))["folio"] == "A-002"
    accion(11, 1, Accion.INICIAR, s1)
    assert atencion.llamar(alm, c.slug, 2, s2, minutos(12))["folio"] == "A-001"
    accion(13, 2, Accion.RELLAMAR, s2)
    accion(14, 2, Accion.INICIAR, s2)
    accion(20, 1, Accion.FINALIZAR, s1)
    emision.cancelar(alm, tokens["A-004"], minutos(20), "ya no lo necesita")
    assert atencion.llamar(alm, c.slug, 1, s1, minutos(21))["folio"] == "B-001"
    accion(22, 1, Accion.RELLAMAR, s1)  # salvaguarda de ausente: una rellamada antes
    accion(22, 1, Accion.AUSENTE, s1)
    accion(24, 2, Accion.TRANSFERIR, s2, tramite_destino="B")
    assert atencion.llamar(alm, c.slug, 1, s1, minutos(25))["folio"] == "A-003"
    accion(26, 1, Accion.FINALIZAR, s1)
    atencion.llamar(alm, c.slug, 2, s2, minutos(30), folio="A-001", motivo="documento listo")
    accion(31, 2, Accion.INICIAR, s2)
    accion(50, 2, Accion.FINALIZAR, s2)
    assert atencion.llamar(alm, c.slug, 1, s1, minutos(52))["folio"] == "B-002"
    accion(52, 1, Accion.INICIAR, s1)
    ventanillas.cambiar_estado(alm, c.slug, 2, "en_pausa", s2, minutos(55), "comida")
    accion(60, 1, Accion.FINALIZAR, s1)
    emitir(61, "C")
    ventanillas.cambiar_estado(alm, c.slug, 2, "abierta", s2, minutos(65))
    ventanillas.cambiar_estado(alm, c.slug, 1, "cerrada", s1, minutos(70))
    cierre.cerrar_dia(alm, c.slug, c.jefe, minutos(120), forzar=True)
    return Escenario(c, tokens)


def informe(alm: Almacen, slug: str, hoy: date = date(2026, 11, 24)) -> consultas.Informe:
    with alm.lectura() as conn:
        return consultas.informe(alm.motor, conn, slug, DIA, DIA, hoy)


def por_clave(inf: consultas.Informe, grupo: str = "tramite") -> dict[str, dict]:
    if grupo == "tramite":
        return {inf.tramites[t].clave: kpis.resumen(a) for t, a in inf.por_tramite.items()}
    if grupo == "ventanilla":
        return {inf.ventanillas[v].numero: kpis.resumen(a) for v, a in inf.por_ventanilla.items()}
    return {inf.usuarios[u].usuario: kpis.resumen(a) for u, a in inf.por_usuario.items()}


@pytest.fixture
def inf(alm: Almacen, centro: Centro) -> consultas.Informe:
    consultas.olvidar_cache()
    escenario(alm, centro)
    return informe(alm, centro.slug)


def test_frecuencia_por_tramite(inf: consultas.Informe) -> None:
    r = por_clave(inf)
    a, b, c = r["A"], r["B"], r["C"]
    assert (a["emitidos"], a["atendidos"], a["ausentes"], a["cancelados"]) == (4, 2, 0, 1)
    assert (a["transferidos"], a["expirados"], a["tramos"]) == (1, 0, 4)
    assert (b["emitidos"], b["atendidos"], b["ausentes"], b["tramos"]) == (2, 2, 1, 3)
    assert (c["emitidos"], c["expirados"], c["llamados"]) == (1, 1, 0)
    assert a["por_origen"] == {"kiosco": 3, "cita": 0, "web": 0, "recepcion": 1}
    assert b["por_origen"] == {"kiosco": 0, "cita": 1, "web": 1, "recepcion": 0}
    assert a["por_clase"] == {"general": 3, "preferente": 1, "cita": 0}
    t = kpis.resumen(inf.total)
    assert (t["emitidos"], t["atendidos"], t["ausentes"], t["cancelados"]) == (7, 4, 1, 1)
    assert (t["transferidos"], t["expirados"]) == (1, 1)


def test_espera_atencion_traslado_y_niveles(inf: consultas.Informe) -> None:
    r = por_clave(inf)
    a, b = r["A"], r["B"]
    # A: esperas 9, 12, 22 min; B: 19 (ausente), 6 (tramo transferido), 48.
    assert a["espera_media_s"] == pytest.approx(43 / 3 * MIN)
    assert (a["espera_p50_s"], a["espera_p90_s"], a["espera_max_s"]) == (720, 1320, 1320)
    assert b["espera_media_s"] == pytest.approx(73 / 3 * MIN)
    assert (b["espera_p50_s"], b["espera_p90_s"], b["espera_max_s"]) == (1140, 2880, 2880)
    # Traslado: A 1, 2, 0 (finalizado sin iniciar); B 1, 0. El ausente no cuenta.
    assert a["traslado_media_s"] == pytest.approx(60)
    assert b["traslado_media_s"] == pytest.approx(30)
    # Atención: A 9, 10 (hasta la transferencia), 1; B 19, 8.
    assert a["atencion_media_s"] == pytest.approx(20 / 3 * MIN)
    assert (a["atencion_p50_s"], a["atencion_p90_s"], a["atencion_max_s"]) == (540, 600, 600)
    assert b["atencion_media_s"] == pytest.approx(13.5 * MIN)
    assert (b["atencion_p50_s"], b["atencion_p90_s"], b["atencion_max_s"]) == (480, 1140, 1140)
    assert (a["nivel_servicio"], a["nivel_atencion"]) == (1.0, 1.0)
    assert (b["nivel_servicio"], b["nivel_atencion"]) == (None, None)  # B no tiene metas
    assert a["ausentismo"] == 0 and b["ausentismo"] == 0.5
    t = kpis.resumen(inf.total)
    assert t["espera_media_s"] == pytest.approx(116 / 6 * MIN)
    assert (t["espera_p50_s"], t["espera_p90_s"]) == (720, 2880)
    assert t["nivel_servicio"] == 1.0  # solo A tiene meta: 3 de 3
    assert t["ausentismo"] == pytest.approx(1 / 7)


def test_ventanillas_personal_y_recursos(inf: consultas.Informe) -> None:
    v = por_clave(inf, "ventanilla")
    assert (v[1]["atendidos"], v[1]["ausentes"], v[1]["atencion_total_s"]) == (3, 1, 18 * MIN)
    assert (v[2]["atendidos"], v[2]["transferidos"], v[2]["atencion_total_s"]) == (1, 1, 29 * MIN)
    assert v[1]["atencion_p50_s"] == 480  # 1, 8, 9 min
    numero = {inf.ventanillas[k].numero: ms for k, ms in inf.abierta_ms.items()}
    assert numero == {1: 70 * 60_000, 2: 110 * 60_000}  # V2: 0–55 y 65–120
    p = por_clave(inf, "usuario")
    assert p["v1-prueba"]["atendidos"] == 3 and p["v2-prueba"]["atendidos"] == 1
    horas = {inf.usuarios[u].usuario: ms for u, ms in inf.persona_ms.items()}
    assert horas == {"v1-prueba": 70 * 60_000, "v2-prueba": 110 * 60_000}


def test_por_hora_y_dia_de_la_semana(inf: consultas.Informe) -> None:
    assert {h: (a.tramos, a.emitidos) for h, a in inf.por_hora.items()} == {
        10: (7, 6),
        11: (1, 1),
    }
    assert list(inf.por_dia_semana) == [0]  # lunes
    assert inf.por_dia_semana[0].emitidos == 7 and inf.dias_con_servicio == {0: 1}


def test_dia_cerrado_se_guarda_y_el_de_hoy_no(alm: Almacen, centro: Centro) -> None:
    consultas.olvidar_cache()
    escenario(alm, centro)
    with alm.lectura() as conn:
        cid = conn.exec_driver_sql("SELECT id FROM centro WHERE slug = 'prueba'").scalar()
        hoy = consultas.dia_con_cache(alm.motor, conn, cid, "America/Mexico_City", DIA, DIA)
        ayer = consultas.dia_con_cache(
            alm.motor, conn, cid, "America/Mexico_City", DIA, date(2026, 11, 24)
        )
        assert not hoy.final and ayer.final
        otra = consultas.dia_con_cache(
            alm.motor, conn, cid, "America/Mexico_City", DIA, date(2026, 11, 24)
        )
    assert otra is ayer  # de la caché: un día cerrado ya no cambia


def test_recursos_intervalos_puros() -> None:
    ev = [
        (0, "ventanilla_abierta", 1, 7),
        (10, "ventanilla_abierta", 1, 7),  # abrir otra vez no reinicia
        (50, "ventanilla_pausada", 1, 7),
        (60, "ventanilla_abierta", 2, 8),
        (90, "cierre_dia", None, None),
        (95, "ventanilla_abierta", 1, 7),
    ]
    i = kpis.intervalos_abiertos(ev)
    assert [(x.ventanilla_id, x.desde_ms, x.hasta_ms) for x in i] == [
        (1, 0, 50),
        (2, 60, 90),
        (1, 95, None),
    ]
    assert kpis.recortar(i[2], 0, 100) == 5


def test_percentil_rango_mas_cercano() -> None:
    h = {0: 1, 2: 1, 10: 2}  # 0, 60, 300, 300 s
    assert kpis.percentil(h, 0.5) == 60 and kpis.percentil(h, 0.9) == 300
    assert kpis.percentil({}, 0.5) is None


def test_hora_local_con_cambio_de_horario() -> None:
    # 2026-03-08: EE. UU. adelanta la hora a las 2:00 (Tijuana sigue ese horario).
    tramos = kpis.desfases(date(2026, 3, 8), "America/Tijuana")
    assert [o // 3_600_000 for _, o in tramos] == [-8, -7]
    assert len(kpis.desfases(DIA, "America/Mexico_City")) == 1  # sin horario de verano


def test_resumen_diario_persistido_sobrevive_al_reinicio(alm: Almacen, centro: Centro) -> None:
    from metricas import persistencia

    consultas.olvidar_cache()
    escenario(alm, centro)
    antes = por_clave(informe(alm, centro.slug))
    with alm.lectura() as conn:
        cid = conn.exec_driver_sql("SELECT id FROM centro WHERE slug = 'prueba'").scalar()
        guardado = persistencia.leer(conn, consultas.Dia, cid, DIA.isoformat())
        calculado = consultas.calcular_dia(
            conn, cid, "America/Mexico_City", DIA, date(2026, 11, 24)
        )
    assert guardado is not None and guardado == calculado  # el JSON es fiel al resumen
    consultas.olvidar_cache()  # «reinicio» del proceso: la memoria se pierde, la tabla no
    assert por_clave(informe(alm, centro.slug)) == antes
    with alm.motor.begin() as conn:  # otra versión del cálculo: lo guardado se ignora
        conn.exec_driver_sql("UPDATE kpi_dia SET version = version + 1")
    with alm.lectura() as conn:
        assert persistencia.leer(conn, consultas.Dia, cid, DIA.isoformat()) is None


def test_ventanilla_abierta_hoy_cuenta_hasta_ahora_y_los_dias_pasados_no_cambian(
    alm: Almacen, centro: Centro
) -> None:
    """Abierta a las 10:00 y sin cerrar: a las 10:05 son 5 minutos, no hasta la medianoche."""
    consultas.olvidar_cache()
    ventanillas.cambiar_estado(alm, centro.slug, 1, "abierta", centro.staff[0], minutos(0))

    def abierta_min(hoy: date, ahora_ms: int | None) -> float:
        with alm.lectura() as conn:
            inf = consultas.informe(alm.motor, conn, centro.slug, DIA, DIA, hoy, ahora_ms)
        assert sum(inf.persona_ms.values()) == sum(inf.abierta_ms.values())
        return sum(inf.abierta_ms.values()) / 60_000

    cinco = int(minutos(5).timestamp() * 1000)
    assert abierta_min(DIA, cinco) == pytest.approx(5)
    # Un día ya pasado cuenta hasta su fin (10:00 → 24:00), con o sin «ahora».
    manana = int(minutos(60 * 20).timestamp() * 1000)
    assert abierta_min(date(2026, 11, 24), manana) == pytest.approx(14 * 60)
    assert abierta_min(date(2026, 11, 24), None) == pytest.approx(14 * 60)

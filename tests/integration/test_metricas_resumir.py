"""El reporte es idéntico en frío (días nunca resumidos, calculados en serie o en paralelo), desde
`kpi_dia` tras `turnos metricas resumir` y desde la memoria, sobre días reales sembrados con los
servicios (SQLite y PostgreSQL); y `turnos metricas resumir` es idempotente y se queja en español.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from metricas import consultas, reportes
from tests.conftest import Centro, minutos
from tests.integration.test_metricas_kpis import DIA, escenario
from turnos.cli import main
from turnos.db.almacen import Almacen
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, cierre, emision, ventanillas

DIAS = 3


def _otro_dia(alm: Almacen, c: Centro, k: int) -> None:
    """Un día más (k días después del escenario): dos ventanillas, varios trámites, orígenes y
    desenlaces (atendido, ausente, transferido, cancelado, expirado)."""
    base = 1440 * k
    s1, s2 = c.staff[0], c.staff[1]
    ventanillas.cambiar_estado(alm, c.slug, 1, "abierta", s1, minutos(base))
    ventanillas.cambiar_estado(alm, c.slug, 2, "abierta", s2, minutos(base))
    tokens = []
    for i, (tramite, origen) in enumerate(
        [("A", "kiosco"), ("B", "web"), ("A", "recepcion"), ("B", "kiosco"), ("A", "cita")] * 2
    ):
        r = emision.emitir(alm, c.slug, tramite, c.kiosco, minutos(base + 3 * i), origen=origen)
        tokens.append(r["token"])
    emision.cancelar(alm, tokens[-1], minutos(base + 31), "ya no lo necesita")
    t = base + 35
    for n in range(8):
        numero, actor = (1, s1) if n % 2 == 0 else (2, s2)
        atencion.llamar(alm, c.slug, numero, actor, minutos(t))
        if n == 3:
            atencion.actuar(alm, c.slug, numero, Accion.AUSENTE, actor, minutos(t + 2))
        elif n == 5:
            atencion.actuar(
                alm, c.slug, numero, Accion.TRANSFERIR, actor, minutos(t + 4), tramite_destino="C"
            )
        else:
            atencion.actuar(alm, c.slug, numero, Accion.INICIAR, actor, minutos(t + 1))
            atencion.actuar(alm, c.slug, numero, Accion.FINALIZAR, actor, minutos(t + 7 + n))
        t += 9
    ventanillas.cambiar_estado(alm, c.slug, 1, "cerrada", s1, minutos(t + 20))
    cierre.cerrar_dia(alm, c.slug, c.jefe, minutos(base + 600), forzar=True)


@pytest.fixture
def sembrado(alm: Almacen, centro: Centro) -> Centro:
    consultas.olvidar_cache()
    escenario(alm, centro)
    for k in range(1, DIAS):
        _otro_dia(alm, centro, k)
    return centro


def _reporte(alm: Almacen, slug: str) -> tuple[dict, list]:
    hasta = DIA + timedelta(days=DIAS + 1)  # incluye días sin turnos
    hoy = hasta + timedelta(days=1)
    with alm.lectura() as conn:
        inf = consultas.informe(alm.motor, conn, slug, DIA - timedelta(days=1), hasta, hoy)
        cid = inf.centro.id
        dias = [
            consultas.calcular_dia(conn, cid, inf.centro.zona, DIA + timedelta(days=k), hoy)
            for k in range(DIAS)
        ]
    return {t: reportes.tabla(inf, t) for t in reportes.TABLAS}, dias


def _kpi_dia(alm: Almacen) -> list[tuple]:
    with alm.lectura() as conn:
        return conn.execute(text("SELECT dia, version, datos FROM kpi_dia ORDER BY dia")).all()


def _sin_resumenes(alm: Almacen) -> None:
    consultas.olvidar_cache()
    with alm.transaccion() as tx:
        tx.conn.execute(text("DELETE FROM kpi_dia"))


def test_reporte_identico_en_frio_resumido_y_en_memoria(
    alm: Almacen, sembrado: Centro, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    _sin_resumenes(alm)
    monkeypatch.setattr(consultas, "PARALELO", 1)
    en_serie, dias = _reporte(alm, sembrado.slug)
    assert sum(1 for d in dias if d.total.atendidos) == DIAS  # hay datos en cada día
    assert len(_kpi_dia(alm)) == DIAS + 3  # los días cerrados (con y sin turnos) se guardaron
    _sin_resumenes(alm)
    monkeypatch.setattr(consultas, "PARALELO", 2)
    assert _reporte(alm, sembrado.slug) == (en_serie, dias)  # en paralelo, lo mismo
    _sin_resumenes(alm)
    desde, hasta = DIA - timedelta(days=1), DIA + timedelta(days=DIAS + 1)
    argv = ["metricas", "resumir", "--db", db_url, "--centro", sembrado.slug]
    assert main([*argv, "--desde", desde.isoformat(), "--hasta", hasta.isoformat()]) == 0
    salida = capsys.readouterr().out
    assert f"{desde} a {hasta}: {DIAS + 3} días cerrados resumidos" in salida
    guardados = _kpi_dia(alm)
    assert len(guardados) == DIAS + 3
    consultas.olvidar_cache()  # «reinicio»: solo queda kpi_dia
    assert _reporte(alm, sembrado.slug) == (en_serie, dias)
    assert _reporte(alm, sembrado.slug) == (en_serie, dias)  # desde la memoria
    # Idempotente: resumir otra vez no cambia lo guardado.
    assert main([*argv, "--desde", desde.isoformat(), "--hasta", hasta.isoformat()]) == 0
    assert _kpi_dia(alm) == guardados
    with alm.lectura() as conn:  # y dejó al día los acumulados de /metrics
        punta = conn.execute(text("SELECT seq FROM cadena")).scalar()
        assert conn.execute(text("SELECT seq FROM metricas_acumulado")).scalar() == punta


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (["--centro", "no-existe", "--desde", "2026-11-01", "--hasta", "2026-11-02"], "no-existe"),
        (
            ["--centro", "prueba", "--desde", "2026-11-05", "--hasta", "2026-11-01"],
            "La fecha final es anterior a la inicial.",
        ),
    ],
)
def test_resumir_con_entrada_mala_sale_con_2_y_mensaje_en_espanol(
    alm: Almacen, centro: Centro, db_url: str, argumentos, mensaje, capsys
) -> None:
    assert main(["metricas", "resumir", "--db", db_url, *argumentos]) == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: ") and mensaje in error


def test_resumir_fecha_invalida_la_rechaza_argparse(db_url: str, capsys) -> None:
    with pytest.raises(SystemExit) as e:
        main(
            [
                "metricas",
                "resumir",
                "--db",
                db_url,
                "--centro",
                "x",
                "--desde",
                "ayer",
                "--hasta",
                "2026-11-01",
            ]
        )
    assert e.value.code == 2
    assert "«ayer» no es una fecha AAAA-MM-DD" in capsys.readouterr().err

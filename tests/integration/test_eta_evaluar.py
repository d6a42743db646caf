"""`turnos eta evaluar` sobre la bitácora real (SQLite y PostgreSQL): una mañana a mano."""

from __future__ import annotations

from datetime import date

from tests.conftest import AHORA, minutos
from turnos.cli import main
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, emision, retro, ventanillas


def _manana(alm, centro):
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))  # ventanilla libre
    emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(2))  # uno atendiéndose delante
    cancelado = emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(3))
    emision.cancelar(alm, cancelado["token"], minutos(4))
    v = centro.staff[0]
    atencion.llamar(alm, "prueba", 1, v, minutos(1))
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, minutos(11))
    atencion.llamar(alm, "prueba", 1, v, minutos(11))
    atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, minutos(20))


def test_reproduce_la_bitacora_sin_mirar_al_futuro(alm, centro):
    _manana(alm, centro)
    res, claves = retro.evaluar_centro(alm, "prueba", date(2026, 11, 23), date(2026, 11, 23))
    assert res.no_llamados == 1  # el cancelado no tiene espera real
    errores = res.estimador["*"].errores
    # 1.º: ventanilla libre → 0 s (real 0). 2.º: la 1 ocupada con A, sin historia → meta de A
    # (15 min): mediana de Exp(900 s) = 624 s; real 9 min = 540 s.
    assert errores[0] == 0 and abs(errores[1] - (624 - 540)) <= 1
    filas = retro.tabla(res, claves)
    assert [f["tramite"] for f in filas] == ["A", "total"]
    # La base no ve al que se atiende: predice 0 s para el 2.º (su rango [0, 1125 s] sí cubre).
    assert res.base["*"].errores == [0, -540]
    assert filas[-1]["eta_cobertura"] == 1.0 and filas[-1]["base_mae_s"] == 270


def test_cli_imprime_estimador_y_base(alm, centro, db_url, capsys):
    _manana(alm, centro)
    codigo = main(
        ["eta", "evaluar", "--centro", "prueba", "--desde", "2026-11-23", "--hasta", "2026-11-23",
         "--db", db_url]
    )  # fmt: skip
    salida = capsys.readouterr().out
    assert codigo == 0
    assert "MAE" in salida and "base" in salida and "cobert." in salida
    assert salida.splitlines()[3].split()[:2] == ["total", "2"]
    assert "nunca llamados (no se puntúan): 1" in salida
    # Ninguna atención había terminado al emitir: las dos con la meta del catálogo. Atenciones
    # de 9–10 min con meta de 15: no es tiempo comprimido.
    assert "(con la meta del catálogo): 2 de 2." in salida
    assert "comprimido" not in salida


def test_cli_avisa_tiempo_comprimido(alm, centro, db_url, capsys):
    """Como la demo tras `turnos simular`: atenciones de segundos con meta de 15 min."""
    v = centro.staff[0]
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", v, AHORA)
    for i in range(3):
        emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(i / 60))
    for i in range(3):
        atencion.llamar(alm, "prueba", 1, v, minutos((1 + 10 * i) / 60))
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, v, minutos((10 + 10 * i) / 60))
    codigo = main(
        ["eta", "evaluar", "--centro", "prueba", "--desde", "2026-11-23", "--hasta", "2026-11-23",
         "--db", db_url]
    )  # fmt: skip
    salida = capsys.readouterr().out
    assert codigo == 0
    assert "Aviso: la atención real media es mucho más corta" in salida
    assert "en A (9.0 s contra 15 min)." in salida and "turnos simular" in salida


def test_cli_periodo_al_reves(alm, centro, db_url, capsys):
    codigo = main(
        ["eta", "evaluar", "--centro", "prueba", "--desde", "2026-11-23", "--hasta", "2026-11-01",
         "--db", db_url]
    )  # fmt: skip
    assert codigo == 2 and "--hasta" in capsys.readouterr().err

"""Configuración de voz por centro e informes de las pantallas, en SQLite y PostgreSQL reales
(tabla ``ajuste``, sin migración)."""

from __future__ import annotations

import pytest

from tests.conftest import AHORA
from turnos.errores import EntradaInvalida
from turnos.servicios import consultas, cuentas, voz
from turnos.tiempo import a_ms


def _centro_id(alm) -> int:
    with alm.lectura() as conn:
        return consultas.centro(conn, "prueba").id


def test_config_por_centro(alm, centro) -> None:
    cid = _centro_id(alm)
    with alm.lectura() as conn:
        assert voz.leer_config(conn, cid) == voz.ConfigVoz("", 0.9, 1.0)
    config = voz.validar_config(" Spanish (Latin America) espeak-ng ", "1,1", "80")
    voz.guardar_config(alm, cid, config)
    voz.guardar_config(alm, cid, config)  # guardar de nuevo reemplaza (upsert)
    with alm.lectura() as conn:
        assert voz.leer_config(conn, cid) == voz.ConfigVoz(
            "Spanish (Latin America) espeak-ng", 1.1, 0.8
        )


@pytest.mark.parametrize(
    ("nombre", "velocidad", "volumen", "mensaje"),
    [
        ("", "rápido", "50", "Velocidad de la voz: escriba un número."),
        ("", "3", "50", "Velocidad de la voz: debe estar entre 0.5 y 2."),
        ("", "nan", "50", "Velocidad de la voz: debe estar entre 0.5 y 2."),
        ("", "1", "101", "Volumen: debe estar entre 0 y 100."),
        ("x" * 121, "1", "50", "Nombre de la voz: máximo 120 caracteres."),
    ],
)
def test_config_invalida_dice_por_que(nombre, velocidad, volumen, mensaje) -> None:
    with pytest.raises(EntradaInvalida) as error:
        voz.validar_config(nombre, velocidad, volumen)
    assert error.value.mensaje == mensaje


def test_informes_de_pantallas(alm, centro) -> None:
    cid = _centro_id(alm)
    otra, _ = cuentas.crear_dispositivo(alm, "prueba", "pantalla", "pantalla-2", AHORA)
    ms = a_ms(AHORA)
    with alm.lectura() as conn:
        filas = voz.pantallas(conn, cid, ms)
    assert [(p["nombre"], p["informe"]) for p in filas] == [
        ("pantalla-1", None),
        ("pantalla-2", None),
    ]
    datos = voz.informe({"tipo": "estado_pantalla", "voz": True, "audio": "sí", "error": 3})
    assert datos == {
        "voz": True,
        "audio": False,  # solo true cuenta como sí
        "voz_nombre": None,
        "idioma": None,
        "error": None,
    }
    assert voz.informe({"tipo": "otro"}) is None
    voz.registrar_informe(alm, otra, datos, ms, conectada=True)
    with alm.lectura() as conn:
        ahora = voz.pantallas(conn, cid, ms + 1000)[1]["informe"]
        vieja = voz.pantallas(conn, cid, ms + (voz.VIGENCIA_S + 1) * 1000)[1]["informe"]
    assert ahora == {**datos, "conectada": True, "visto_ms": ms}
    assert vieja["conectada"] is False  # sin informe reciente: desconectada

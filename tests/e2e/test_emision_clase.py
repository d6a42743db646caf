"""La clase «cita» solo nace del registro de una cita: emitirla a mano saltaría la fila.

Una sola regla en el núcleo (emision.emitir) la aplica a la API y al kiosco (issue 9, punto 6:
el kiosco ya no tiene su propia revisión de `clase`).
"""

from __future__ import annotations

import pytest

from tests.conftest import AHORA
from tests.e2e.conftest import bearer
from turnos.errores import EntradaInvalida
from turnos.servicios import emision


@pytest.mark.parametrize("ruta", ["/api/v1/centros/prueba/turnos", "/api/v1/kiosco/prueba/turnos"])
def test_nadie_emite_un_turno_de_cita_sin_cita(cliente, centro, ruta):
    for token in (centro.kiosco_token, centro.jefe_token):
        r = cliente.post(ruta, json={"tramite": "A", "clase": "cita"}, headers=bearer(token))
        assert r.status_code == 400, (ruta, r.text)
        assert r.json()["error"] == "entrada_invalida" and "cita" in r.json()["mensaje"]
    r = cliente.post(ruta, json={"tramite": "A", "clase": "preferente"}, headers=bearer(token))
    assert r.status_code == 201


def test_el_registro_de_cita_si_emite_clase_cita(alm, centro):
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA, clase="cita", origen="cita")
    assert t["clase"] == "cita"
    with pytest.raises(EntradaInvalida):
        emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA, clase="cita", origen="kiosco")

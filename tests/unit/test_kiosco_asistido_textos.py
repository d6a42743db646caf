"""Textos del modo asistido del kiosco: folio hablado, lectura del ticket e íconos por categoría."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosco.paginas import ICONO_GENERICO, ICONOS, icono_categoria
from kiosco.ticket import DatosTicket
from kiosco.vista import folio_hablado, vista_ticket
from turnos.demo import TRAMITES

SPRITE = Path(__file__).resolve().parents[2] / "kiosco" / "static" / "iconos.svg"


def test_folio_hablado_como_la_pantalla() -> None:
    assert folio_hablado("A-023") == "a 23"
    assert folio_hablado("L-001") == "ele 1"
    assert folio_hablado("PR-100") == "pe erre 100"


def test_el_ticket_trae_su_lectura_en_voz_alta() -> None:
    datos = DatosTicket(
        centro="Centro",
        folio="R-007",
        tramite="Pago de predial",
        clase="general",
        emitido=datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("America/Mexico_City")),
        personas_delante=3,
        espera_min=10,
        espera_max=25,
        url_seguimiento="http://x/t/abc",
    )
    assert vista_ticket(datos)["lectura"] == (
        "Su turno es erre 7. Trámite: Pago de predial. 3 personas antes que usted. "
        "Espera estimada: 10 a 25 min."
    )


def test_cada_categoria_de_la_demo_tiene_icono_y_el_svg_lo_trae() -> None:
    iconos = {t["categoria"]: icono_categoria(str(t["categoria"])) for t in TRAMITES}
    assert iconos["Movilidad"] == "auto" and iconos["Pagos"] == "pago"
    assert iconos["Registro Civil"] == "documento"
    assert icono_categoria("Algo sin palabra clave") == ICONO_GENERICO
    simbolos = set(re.findall(r'<symbol id="([a-z]+)"', SPRITE.read_text()))
    assert {i for i, _ in ICONOS} | {ICONO_GENERICO, "cita", "asistido"} <= simbolos

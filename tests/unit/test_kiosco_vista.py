"""Valores preparados del kiosco y del ticket móvil, el QR en SVG y la bitácora del agente."""

from __future__ import annotations

import re
from pathlib import Path

import qrcode

from kiosco import openapi, web
from kiosco.agente import Bitacora, url_ws
from kiosco.trabajos import destino
from kiosco.vista import pie_ticket, qr_svg, texto_costo, vista_seguimiento
from turnos.web.openapi import PARAMETROS as PARAMETROS_NUCLEO


def _publico(estado: str, **extra: object) -> dict[str, object]:
    return {
        "folio": "A-007",
        "centro_nombre": "Centro MAS León",
        "tramite_nombre": "Licencia",
        "clase": "preferente",
        "estado": estado,
        "personas_delante": 3,
        "ventanilla": None,
        **extra,
    }


def test_qr_svg_reproduce_la_matriz():
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data("http://127.0.0.1/t/abc")
    qr.make(fit=True)
    matriz = qr.get_matrix()
    svg = qr_svg("http://127.0.0.1/t/abc")
    assert svg["lado"] == len(matriz)
    oscuros = set()
    for x, y, largo in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg["d"]):
        oscuros |= {(int(x) + i, int(y)) for i in range(int(largo))}
    assert oscuros == {(x, y) for y, fila in enumerate(matriz) for x, v in enumerate(fila) if v}


def test_costo_y_pie():
    assert texto_costo("Gratuito") == "Este trámite es gratuito"
    assert texto_costo(" $90.00 ") == "Costo: $90.00"
    assert texto_costo("") == ""
    assert pie_ticket(
        ["Denuncie la corrupción"], "lunes a viernes de 08:00 a 15:00", "sin costo"
    ) == (
        "Este trámite es gratuito",
        "Horario: lunes a viernes de 08:00 a 15:00",
        "Denuncie la corrupción",
    )
    # El centro ya trae su horario: no se repite.
    assert pie_ticket(["Horario: demo"], "x", "") == ("Horario: demo",)


def test_vista_seguimiento_por_estado():
    espera = vista_seguimiento(_publico("en_espera"), (5, 15))
    assert espera["titulo"] == "En espera" and espera["puede_cancelar"]
    assert espera["personas"] == "3 personas antes que usted"
    assert espera["espera"] == "Espera estimada: 5 a 15 min"
    assert espera["clase"] == "Atención preferente"
    llamado = vista_seguimiento(
        _publico("llamado", ventanilla={"numero": 2, "nombre": "Ventanilla 2"}), None
    )
    assert llamado["titulo"] == "¡Es su turno! Pase a Ventanilla 2" and llamado["llamado"]
    assert llamado["personas"] == "" and llamado["puede_cancelar"] and not llamado["terminado"]
    en_atencion = vista_seguimiento(_publico("en_atencion"), None)
    assert not en_atencion["puede_cancelar"] and not en_atencion["terminado"]
    for final in ("atendido", "cancelado", "ausente", "expirado"):
        v = vista_seguimiento(_publico(final), None)
        assert v["terminado"] and not v["puede_cancelar"]
    assert "nombre" not in espera and "contacto" not in espera


def test_ausente_provisional_no_dice_tome_un_turno_nuevo():
    v3 = {"numero": 3, "nombre": "Ventanilla 3"}
    provisional = vista_seguimiento(
        _publico("ausente", ausencia={"definitiva": False, "hasta": "x", "ventanilla": v3}), None
    )
    assert provisional["titulo"] == "Lo llamamos y no se presentó"
    assert "Acérquese pronto a Ventanilla 3" in provisional["detalle"]
    assert "turno nuevo" not in provisional["detalle"] and not provisional["terminado"]
    definitiva = vista_seguimiento(
        _publico("ausente", ausencia={"definitiva": True, "hasta": "x", "ventanilla": None}), None
    )
    assert "Puede tomar un turno nuevo" in definitiva["detalle"] and definitiva["terminado"]


def test_usb_lo_imprime_el_agente_del_mismo_kiosco():
    assert destino("escpos+usb://04b8:0e15", "kiosco-entrada") == "agente://kiosco-entrada"
    assert destino("escpos+net://10.0.0.5:9100", "k") == "escpos+net://10.0.0.5:9100"
    assert destino("agente://otro", "k") == "agente://otro"


def test_url_del_agente():
    assert url_ws("https://turnos.gob.mx/") == "wss://turnos.gob.mx/ws/agente"
    assert url_ws("http://127.0.0.1:8000") == "ws://127.0.0.1:8000/ws/agente"


def test_bitacora_del_agente_persiste_y_se_compacta(tmp_path: Path, monkeypatch):
    b = Bitacora(tmp_path)
    b.anotar("uno")
    assert Bitacora(tmp_path).contiene("uno") and not Bitacora(tmp_path).contiene("dos")
    monkeypatch.setattr("kiosco.agente.MAX_ANOTADOS", 3)
    (tmp_path / "impresos.txt").write_text("a\nb\nc\nd\ne\n")
    b = Bitacora(tmp_path)
    assert [b.contiene(c) for c in "abcde"] == [False, False, True, True, True]
    assert (tmp_path / "impresos.txt").read_text().split() == ["c", "d", "e"]


def test_openapi_describe_las_rutas_api_del_kiosco():
    reales = {
        (m, r.path)
        for r in web.RUTAS
        if r.path.startswith("/api/v1/")
        for m in getattr(r, "methods", ())
        if m != "HEAD"
    }
    documentadas = {(m.upper(), p) for p, ops in openapi.RUTAS.items() for m in ops}
    assert documentadas == reales
    for ops in openapi.RUTAS.values():
        for op in ops.values():
            for param in op["parameters"]:
                nombre = param["$ref"].rsplit("/", 1)[1]
                assert nombre in openapi.PARAMETROS or nombre in PARAMETROS_NUCLEO

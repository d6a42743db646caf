"""Impresora "archivo" y elección del adaptador por URL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kiosco.impresoras import ImpresoraArchivo, ImpresoraRed, ImpresoraUsb, impresora_desde_url


def test_agrega_al_final(tmp_path: Path) -> None:
    async def caso() -> None:
        impresora = impresora_desde_url(f"archivo://{tmp_path}/lp0")
        assert isinstance(impresora, ImpresoraArchivo)
        assert (await impresora.estado()).en_linea
        assert (await impresora.imprimir(b"uno")).impreso
        assert (await impresora.imprimir(b"dos")).impreso
        assert (tmp_path / "lp0").read_bytes() == b"unodos"

    asyncio.run(caso())


def test_ruta_inexistente_es_falla_no_excepcion(tmp_path: Path) -> None:
    async def caso() -> None:
        impresora = ImpresoraArchivo(tmp_path / "no" / "hay" / "lp0")
        resultado = await impresora.imprimir(b"x")
        assert not resultado.impreso and not resultado.reintentable
        assert resultado.motivo == f"No se pudo escribir en {tmp_path}/no/hay/lp0: no existe"
        estado = await impresora.estado()
        assert not estado.en_linea and estado.descripcion().endswith("no existe")

    asyncio.run(caso())


def test_urls_validas() -> None:
    red = impresora_desde_url("escpos+net://192.168.1.50:9100")
    assert isinstance(red, ImpresoraRed) and (red.host, red.puerto) == ("192.168.1.50", 9100)
    por_omision = impresora_desde_url("escpos+net://impresora-kiosco1")
    assert isinstance(por_omision, ImpresoraRed) and por_omision.puerto == 9100
    ajustada = impresora_desde_url("escpos+net://10.0.0.9:9101?conexion_s=1.5&estado=no")
    assert isinstance(ajustada, ImpresoraRed)
    assert (ajustada.timeout_conexion, ajustada.consultar_estado) == (1.5, False)
    usb = impresora_desde_url("escpos+usb://04b8:0202")
    assert isinstance(usb, ImpresoraUsb) and (usb.vendor_id, usb.product_id) == (0x04B8, 0x0202)
    assert usb.url == "escpos+usb://04b8:0202"


@pytest.mark.parametrize(
    ("url", "mensaje"),
    [
        ("192.168.1.50:9100", "se esperaba escpos+net://HOST:9100"),
        ("escpos+net://:9100", "falta el nombre o la IP"),
        ("escpos+net://host:99999", "el puerto debe ser un número"),
        ("escpos+net://host:9100?timeout=3", "opción desconocida 'timeout'"),
        ("escpos+net://host:9100?estado_s=-1", "estado_s debe ser un número de segundos"),
        ("escpos+usb://04b8", "use escpos+usb://VID:PID"),
        ("archivo://relativo/lp0", "use una ruta absoluta con tres diagonales"),
        ("ipp://host/printer", "esquema desconocido 'ipp'"),
    ],
)
def test_urls_invalidas(url: str, mensaje: str) -> None:
    with pytest.raises(ValueError) as error:
        impresora_desde_url(url)
    assert str(error.value).startswith(f"URL de impresora inválida {url!r}: ")
    assert mensaje in str(error.value)


def test_usb_no_importa_nada_hasta_usarse() -> None:
    # Sin impresora ni pyusb aquí: la falla llega como resultado, nunca como excepción.
    async def caso() -> None:
        resultado = await ImpresoraUsb(0x04B8, 0x0202, timeout_ms=100).imprimir(b"x")
        assert not resultado.impreso
        assert resultado.motivo is not None and resultado.motivo.startswith(
            "Impresora USB escpos+usb://04b8:0202: "
        )

    asyncio.run(caso())

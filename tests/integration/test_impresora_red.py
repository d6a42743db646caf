"""Impresora de red contra un servidor TCP real en 127.0.0.1 que se porta como impresora."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from firmware_config import cargar_perfil_impresora
from kiosco.impresoras import ImpresoraRed, impresora_desde_url
from kiosco.impresoras.base import CONSULTAS
from kiosco.impresoras.simulador import (
    FUERA_DE_LINEA,
    LISTA,
    PAPEL_POR_TERMINAR,
    SIN_PAPEL,
    TAPA_ABIERTA,
    ImpresoraSimulada,
)
from kiosco.ticket import DatosTicket, renderizar_ticket


def ticket(perfil: str = "epson_tm_t20ii") -> bytes:
    datos = DatosTicket(
        centro="Centro MAS León",
        folio="A-007",
        tramite="Licencia de conducir",
        clase="general",
        emitido=datetime(2025, 11, 21, 9, 5, tzinfo=ZoneInfo("America/Mexico_City")),
        personas_delante=2,
        espera_min=5,
        espera_max=15,
        url_seguimiento="https://turnos.example.mx/t/abc123",
        pie=("Este trámite es gratuito",),
    )
    salida = renderizar_ticket(datos, cargar_perfil_impresora(perfil))
    # Si el ticket contuviera DLE EOT por casualidad, la impresora (y el simulador) lo
    # contestaría como consulta; esta prueba compara bytes exactos y lo necesita limpio.
    assert b"\x10\x04" not in salida
    return salida


def red(simulada: ImpresoraSimulada, **opciones: float) -> ImpresoraRed:
    tiempos = {"timeout_conexion": 1.0, "timeout_envio": 1.0, "timeout_estado": 0.3}
    return ImpresoraRed(simulada.host, simulada.puerto, **{**tiempos, **opciones})


def puerto_cerrado() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("perfil", ["epson_tm_t20ii", "generico_80mm", "generico_58mm"])
def test_impresion_normal_bytes_exactos(perfil: str) -> None:
    datos = ticket(perfil)

    async def caso() -> None:
        async with ImpresoraSimulada() as simulada:
            resultado = await red(simulada).imprimir(datos)
            await asyncio.sleep(0.05)  # que el servidor termine de leer el cierre
            assert resultado.impreso and resultado.motivo is None
            assert resultado.estado is not None and resultado.estado.lista
            assert bytes(simulada.recibido) == datos
            assert simulada.consultas == [1, 2, 4, 1, 2, 4]  # antes y después
            assert simulada.conexiones == 1

    asyncio.run(caso())


def test_impresora_silenciosa_es_falla_por_tiempo() -> None:
    async def caso() -> None:
        async with ImpresoraSimulada(modo="silenciosa") as simulada:
            inicio = time.monotonic()
            resultado = await red(simulada).imprimir(ticket())
            assert time.monotonic() - inicio < 1.5
            assert not resultado.impreso and resultado.reintentable
            assert resultado.motivo == (
                f"La impresora 127.0.0.1:{simulada.puerto} no respondió a la consulta de "
                "estado en 0.3 s"
            )
            assert simulada.recibido == b""  # no se manda el ticket a ciegas
            estado = await red(simulada).estado()
            assert not estado.en_linea and "no respondió" in estado.descripcion()

    asyncio.run(caso())


def test_conexion_rechazada() -> None:
    async def caso() -> None:
        puerto = puerto_cerrado()
        resultado = await ImpresoraRed("127.0.0.1", puerto, timeout_conexion=1).imprimir(b"x")
        assert not resultado.impreso and resultado.reintentable
        assert resultado.motivo is not None
        assert f"127.0.0.1:{puerto} rechazó la conexión" in resultado.motivo

    asyncio.run(caso())


def test_sin_papel_no_imprime_y_lo_dice() -> None:
    async def caso() -> None:
        respuestas = {1: FUERA_DE_LINEA, 2: LISTA | 0x20, 4: SIN_PAPEL}
        async with ImpresoraSimulada(respuestas=respuestas) as simulada:
            resultado = await red(simulada).imprimir(ticket())
            assert not resultado.impreso
            assert not resultado.reintentable  # necesita a una persona
            assert resultado.motivo == "La impresora no tiene papel (antes de imprimir)"
            assert resultado.estado is not None and resultado.estado.papel == "sin_papel"
            assert simulada.recibido == b""
            estado = await red(simulada).estado()
            assert (estado.en_linea, estado.papel, estado.lista) == (False, "sin_papel", False)

    asyncio.run(caso())


def test_tapa_abierta() -> None:
    async def caso() -> None:
        respuestas = {1: FUERA_DE_LINEA, 2: TAPA_ABIERTA, 4: LISTA}
        async with ImpresoraSimulada(respuestas=respuestas) as simulada:
            resultado = await red(simulada).imprimir(ticket())
            assert not resultado.impreso and not resultado.reintentable
            assert resultado.motivo == "La impresora tiene la tapa abierta (antes de imprimir)"

    asyncio.run(caso())


def test_papel_por_terminar_imprime_y_avisa() -> None:
    async def caso() -> None:
        respuestas = {1: LISTA, 2: LISTA, 4: PAPEL_POR_TERMINAR}
        async with ImpresoraSimulada(respuestas=respuestas) as simulada:
            datos = ticket()
            resultado = await red(simulada).imprimir(datos)
            assert resultado.impreso
            assert resultado.estado is not None and resultado.estado.papel == "por_terminar"
            assert "por terminarse" in resultado.estado.descripcion()

    asyncio.run(caso())


def test_se_acaba_el_papel_al_imprimir() -> None:
    async def caso() -> None:
        async with ImpresoraSimulada() as simulada:
            datos = ticket()

            class SeAcaba(ImpresoraRed):
                async def _enviar(self, escritor, datos):  # type: ignore[no-untyped-def]
                    await super()._enviar(escritor, datos)
                    simulada.respuestas[4] = SIN_PAPEL  # el rollo se acabó a media impresión

            impresora = SeAcaba("127.0.0.1", simulada.puerto, timeout_estado=0.3)
            resultado = await impresora.imprimir(datos)
            assert not resultado.impreso and not resultado.reintentable
            assert resultado.motivo is not None
            assert resultado.motivo.startswith("La impresora no tiene papel (al terminar")
            await asyncio.sleep(0.05)
            assert bytes(simulada.recibido) == datos

    asyncio.run(caso())


def test_impresora_que_cuelga() -> None:
    async def caso() -> None:
        async with ImpresoraSimulada(modo="colgar") as simulada:
            resultado = await red(simulada).imprimir(b"hola")
            assert not resultado.impreso and resultado.reintentable
            assert resultado.motivo == f"La impresora 127.0.0.1:{simulada.puerto} cerró la conexión"

    asyncio.run(caso())


def test_respuesta_de_estado_invalida() -> None:
    async def caso() -> None:
        async with ImpresoraSimulada(respuestas={1: 0xFF, 2: LISTA, 4: LISTA}) as simulada:
            resultado = await red(simulada).imprimir(b"hola")
            assert not resultado.impreso
            assert (
                resultado.motivo is not None
                and "respuesta de estado inválida: 0xff" in resultado.motivo
            )

    asyncio.run(caso())


def test_sin_consulta_de_estado_para_clones_mudos() -> None:
    async def caso() -> None:
        async with ImpresoraSimulada(modo="silenciosa") as simulada:
            impresora = impresora_desde_url(f"{simulada.url}?estado=no&estado_s=0.2")
            resultado = await impresora.imprimir(b"\x1b@hola\n")
            await asyncio.sleep(0.05)
            assert resultado.impreso
            assert simulada.recibido == b"\x1b@hola\n" and simulada.consultas == []

    asyncio.run(caso())


def test_consultas_son_dle_eot() -> None:
    assert CONSULTAS == (b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04")

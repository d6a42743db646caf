"""Cola de impresión: reintentos acotados, fallas visibles y nada de excepciones al emisor."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from kiosco.impresoras import (
    ColaImpresion,
    ColasImpresion,
    ImpresoraArchivo,
    ImpresoraRed,
    TrabajoImpresion,
)
from kiosco.impresoras.simulador import LISTA, SIN_PAPEL, ImpresoraSimulada

RAPIDO = {"timeout_conexion": 1.0, "timeout_envio": 1.0, "timeout_estado": 0.2}


def red(simulada: ImpresoraSimulada) -> ImpresoraRed:
    return ImpresoraRed(simulada.host, simulada.puerto, **RAPIDO)


def test_imprime_en_orden_y_avisa() -> None:
    async def caso() -> None:
        terminados: list[TrabajoImpresion] = []
        async with ImpresoraSimulada() as simulada:
            cola = ColaImpresion(red(simulada), al_terminar=terminados.append)
            trabajos = [
                cola.encolar(f"ticket {n}\n".encode(), referencia=f"A-{n:03}") for n in range(5)
            ]
            assert all(t.estado == "pendiente" for t in trabajos)
            await asyncio.wait_for(asyncio.gather(*(t.esperar() for t in trabajos)), 5)
            await cola.detener()
            await asyncio.sleep(0.05)
            assert [t.estado for t in trabajos] == ["impreso"] * 5
            assert [t.referencia for t in terminados] == [f"A-{n:03}" for n in range(5)]
            assert bytes(simulada.recibido) == b"".join(f"ticket {n}\n".encode() for n in range(5))
            assert all(t.intentos == 1 and t.motivo is None for t in trabajos)

    asyncio.run(caso())


def test_impresora_silenciosa_reintentos_acotados() -> None:
    async def caso() -> None:
        terminados: list[TrabajoImpresion] = []

        async def al_terminar(trabajo: TrabajoImpresion) -> None:  # también puede ser async
            terminados.append(trabajo)

        async with ImpresoraSimulada(modo="silenciosa") as simulada:
            cola = ColaImpresion(
                red(simulada), max_intentos=3, espera_inicial_s=0.01, al_terminar=al_terminar
            )
            trabajo = cola.encolar(b"ticket", referencia="A-001")
            await asyncio.wait_for(trabajo.esperar(), 5)
            assert trabajo.estado == "fallido" and trabajo.intentos == 3
            assert simulada.conexiones == 3
            assert trabajo.motivo is not None
            assert "no respondió a la consulta de estado" in trabajo.motivo
            assert trabajo.motivo.endswith("(tras 3 intentos)")
            assert terminados == [trabajo]
            await cola.detener()

    asyncio.run(caso())


def test_sin_papel_falla_al_primer_intento_sin_perder_el_turno() -> None:
    async def caso() -> None:
        terminados: list[TrabajoImpresion] = []
        async with ImpresoraSimulada(respuestas={1: LISTA, 2: LISTA, 4: SIN_PAPEL}) as simulada:
            cola = ColaImpresion(red(simulada), max_intentos=5, al_terminar=terminados.append)
            # Quien emite el turno solo encola: no espera ni recibe excepciones.
            trabajo = cola.encolar(b"ticket", referencia="A-002")
            await asyncio.wait_for(trabajo.esperar(), 5)
            assert (trabajo.estado, trabajo.intentos) == ("fallido", 1)
            assert trabajo.motivo == "La impresora no tiene papel (antes de imprimir)"
            assert trabajo.estado_impresora is not None
            assert trabajo.estado_impresora.papel == "sin_papel"
            assert terminados == [trabajo] and simulada.recibido == b""
            await cola.detener()

    asyncio.run(caso())


def test_se_recupera_en_el_segundo_intento() -> None:
    async def caso() -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            puerto = s.getsockname()[1]
        simulada = ImpresoraSimulada(puerto=puerto)
        cola = ColaImpresion(
            ImpresoraRed("127.0.0.1", puerto, **RAPIDO), max_intentos=4, espera_inicial_s=0.2
        )
        trabajo = cola.encolar(b"ticket")  # la impresora todavía está apagada
        await asyncio.sleep(0.1)
        await simulada.iniciar()  # se enciende antes del segundo intento
        try:
            await asyncio.wait_for(trabajo.esperar(), 5)
            assert trabajo.estado == "impreso" and trabajo.intentos >= 2
        finally:
            await cola.detener()
            await simulada.detener()

    asyncio.run(caso())


def test_gancho_con_error_no_detiene_la_cola(tmp_path: Path) -> None:
    async def caso() -> None:
        def gancho(_: TrabajoImpresion) -> None:
            raise RuntimeError("la base de métricas no responde")

        cola = ColaImpresion(ImpresoraArchivo(tmp_path / "ticket.bin"), al_terminar=gancho)
        primero, segundo = cola.encolar(b"uno"), cola.encolar(b"dos")
        await asyncio.wait_for(asyncio.gather(primero.esperar(), segundo.esperar()), 5)
        assert (primero.estado, segundo.estado) == ("impreso", "impreso")
        assert (tmp_path / "ticket.bin").read_bytes() == b"unodos"
        await cola.detener()

    asyncio.run(caso())


def test_cola_llena_y_detenida_fallan_visibles(tmp_path: Path) -> None:
    async def caso() -> None:
        terminados: list[TrabajoImpresion] = []
        cola = ColaImpresion(
            ImpresoraArchivo(tmp_path / "t.bin"), capacidad=1, al_terminar=terminados.append
        )
        uno, dos = cola.encolar(b"1"), cola.encolar(b"2")
        await asyncio.wait_for(asyncio.gather(uno.esperar(), dos.esperar()), 5)
        assert uno.estado == "impreso"
        assert (dos.estado, dos.motivo) == ("fallido", "La cola de impresión está llena (1)")
        await cola.detener()
        tres = cola.encolar(b"3")
        await asyncio.wait_for(tres.esperar(), 5)
        assert (tres.estado, tres.motivo) == ("fallido", "La cola de impresión está detenida")
        assert len(terminados) == 3

    asyncio.run(caso())


def test_detener_falla_los_pendientes() -> None:
    async def caso() -> None:
        async with ImpresoraSimulada(modo="silenciosa") as simulada:
            cola = ColaImpresion(red(simulada), max_intentos=10, espera_inicial_s=5)
            trabajos = [cola.encolar(b"x") for _ in range(3)]
            await asyncio.sleep(0.05)
            await cola.detener(esperar_s=0.1)
            assert [t.estado for t in trabajos] == ["fallido"] * 3
            assert trabajos[0].motivo == "Se detuvo el servicio al imprimir"
            assert trabajos[2].motivo == "Se detuvo el servicio antes de imprimir"

    asyncio.run(caso())


def test_colas_por_url(tmp_path: Path) -> None:
    async def caso() -> None:
        terminados: list[TrabajoImpresion] = []
        colas = ColasImpresion(al_terminar=terminados.append)
        a, b = f"archivo://{tmp_path}/a.bin", f"archivo://{tmp_path}/b.bin"
        assert colas.cola(a) is colas.cola(a) and colas.cola(a) is not colas.cola(b)
        t1, t2 = colas.encolar(a, b"A"), colas.encolar(b, b"B")
        malo = colas.encolar("lpt1://x", b"C")  # configuración mala: falla visible, sin excepción
        await asyncio.wait_for(asyncio.gather(t1.esperar(), t2.esperar(), malo.esperar()), 5)
        assert (t1.estado, t2.estado, malo.estado) == ("impreso", "impreso", "fallido")
        assert malo.motivo is not None and "esquema desconocido 'lpt1'" in malo.motivo
        assert (tmp_path / "a.bin").read_bytes() == b"A"
        assert len(terminados) == 3
        await colas.detener()

    asyncio.run(caso())

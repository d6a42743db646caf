"""Hub en proceso: orden por seq, huecos, duplicados, desborde y publicación desde hilos."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from typing import Any

from pantalla.filtros import filtrar_snapshot, filtro_tramites, leer_tramites
from turnos.eventos.hub import Hub, Suscripcion


def ev(seq: int, tramite: str = "LIC", **extra: Any) -> dict[str, Any]:
    return {
        "seq": seq,
        "tipo": "turno_llamado",
        "centro": "demo",
        "turno": {"folio": f"A-{seq:03d}", "tramite": tramite},
        **extra,
    }


async def recibir_n(sus: Suscripcion, n: int, timeout: float = 2.0) -> list[int]:
    vistos: list[int] = []
    async with asyncio.timeout(timeout):
        while len(vistos) < n:
            evento = await sus.recibir()
            assert evento is not None
            vistos.append(evento["seq"])
    return vistos


def test_entrega_en_orden_y_reordena_llegadas_desordenadas() -> None:
    async def caso() -> None:
        hub = Hub()
        hub.conocer_seq("demo", 0)
        sus = hub.suscribir("demo")
        for seq in [1, 3, 2, 5, 4, 6]:
            await hub.publicar("demo", ev(seq))
        assert await recibir_n(sus, 6) == [1, 2, 3, 4, 5, 6]

    asyncio.run(caso())


def test_hueco_se_suelta_tras_la_espera_y_el_tardio_se_entrega_una_vez() -> None:
    async def caso() -> None:
        hub = Hub(espera_hueco_s=0.1)
        hub.conocer_seq("demo", 0)
        sus = hub.suscribir("demo")
        await hub.publicar("demo", ev(1))
        inicio = time.monotonic()
        await hub.publicar("demo", ev(3))
        await hub.publicar("demo", ev(4))
        assert await recibir_n(sus, 3) == [1, 3, 4]
        assert time.monotonic() - inicio >= 0.08  # retuvo el hueco (sin cota superior: carga)
        await hub.publicar("demo", ev(2))  # llega tarde: se entrega (mejor tarde que perdido)
        await hub.publicar("demo", ev(2))  # repetido: no
        await hub.publicar("demo", ev(4))
        await hub.publicar("demo", ev(5))
        assert await recibir_n(sus, 2) == [2, 5]
        assert sus.pendientes() == 0

    asyncio.run(caso())


def test_duplicados_se_descartan() -> None:
    async def caso() -> None:
        hub = Hub()
        sus = hub.suscribir("demo")
        for seq in [7, 8, 8, 7, 9]:
            await hub.publicar("demo", ev(seq))
        assert await recibir_n(sus, 3) == [7, 8, 9]
        assert sus.pendientes() == 0

    asyncio.run(caso())


def test_desborde_cierra_solo_la_suscripcion_lenta() -> None:
    async def caso() -> None:
        hub = Hub()
        lenta = hub.suscribir("demo", maximo=5)
        viva = hub.suscribir("demo", maximo=100)
        otra = hub.suscribir("otro-centro")
        for seq in range(1, 21):
            await hub.publicar("demo", ev(seq))
            assert (await viva.recibir() or {}).get("seq") == seq
        assert lenta.desbordada and lenta.cerrada
        assert await lenta.recibir() is None  # el consumidor se entera y resincroniza
        assert hub.suscriptores("demo") == 1
        assert otra.pendientes() == 0

    asyncio.run(caso())


def test_cerrar_despierta_al_que_espera() -> None:
    async def caso() -> None:
        hub = Hub()
        sus = hub.suscribir("demo")
        tarea = asyncio.create_task(sus.recibir())
        await asyncio.sleep(0.01)
        sus.cerrar()
        assert await asyncio.wait_for(tarea, 1) is None
        assert hub.suscriptores("demo") == 0

    asyncio.run(caso())


def test_filtro_de_suscripcion() -> None:
    async def caso() -> None:
        hub = Hub()
        sus = hub.suscribir("demo", filtro=lambda e: e["turno"]["tramite"] == "PRED")
        for seq in range(1, 7):
            await hub.publicar("demo", ev(seq, "PRED" if seq % 2 else "LIC"))
        assert await recibir_n(sus, 3) == [1, 3, 5]

    asyncio.run(caso())


def test_publicar_desde_hilos_concurrentes_llega_ordenado() -> None:
    async def caso() -> None:
        hub = Hub()
        hub.conocer_seq("demo", 0)
        sus = hub.suscribir("demo", maximo=1000)
        loop = asyncio.get_running_loop()
        seqs = list(range(1, 301))
        lotes = [seqs[i::6] for i in range(6)]

        def hilo(lote: list[int]) -> None:
            for seq in lote:
                time.sleep(random.random() / 2000)
                hub.publicar_desde_hilo(loop, "demo", ev(seq))

        hilos = [threading.Thread(target=hilo, args=(lote,)) for lote in lotes]
        for h in hilos:
            h.start()
        assert await recibir_n(sus, 300, timeout=10) == seqs
        for h in hilos:
            h.join()

    asyncio.run(caso())


def test_filtro_publico_por_tramites() -> None:
    claves = leer_tramites(" LIC, ,PRED ")
    assert claves == {"LIC", "PRED"}
    assert leer_tramites("") is None
    filtrar = filtro_tramites({"PRED"})
    assert filtrar(ev(1, "LIC", cola={"LIC": 1, "PRED": 2})) is None
    transferido = ev(2, "LIC", destino="PRED", cola={"LIC": 0, "PRED": 3})
    assert filtrar(transferido)["cola"] == {"PRED": 3}  # type: ignore[index]
    assert filtrar({"seq": 3, "tipo": "cierre_dia", "cola": {"LIC": 0}}) == {
        "seq": 3,
        "tipo": "cierre_dia",
        "cola": {},
    }
    snap = {
        "seq": 4,
        "llamados": [{"tramite": "LIC"}, {"tramite": "PRED"}],
        "cola": {"LIC": {"esperando": 1}, "PRED": {"esperando": 2}},
    }
    recortado = filtrar_snapshot(snap, {"PRED"})
    assert recortado["llamados"] == [{"tramite": "PRED"}]
    assert list(recortado["cola"]) == ["PRED"]

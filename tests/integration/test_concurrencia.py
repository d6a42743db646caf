"""20 hilos llaman en 10 ventanillas mientras 10 kioscos emiten 500 turnos (conexiones reales)."""

import contextlib
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.conftest import AHORA, sembrar_centro, verificar_espera
from turnos.dominio.estados import Accion
from turnos.errores import Conflicto
from turnos.servicios import atencion, emision, ventanillas
from turnos.servicios.auditoria import auditar

KIOSCOS, POR_KIOSCO, VENTANILLAS, LLAMADORES = 10, 50, 10, 20


@pytest.mark.lento
def test_folios_unicos_y_cada_turno_llamado_una_vez(alm):
    centro = sembrar_centro(alm, ventanillas=VENTANILLAS)
    for n in range(1, VENTANILLAS + 1):
        ventanillas.cambiar_estado(alm, "prueba", n, "abierta", centro.staff[n - 1], AHORA)
    emitidos: list[str] = []
    errores: list[BaseException] = []
    fin_emision = threading.Event()
    atendidos = Counter()
    candado = threading.Lock()

    def kiosco(k: int) -> None:
        try:
            for i in range(POR_KIOSCO):
                t = emision.emitir(
                    alm,
                    "prueba",
                    "AB"[(k + i) % 2],
                    centro.kiosco,
                    AHORA + timedelta(seconds=i),
                    clase="preferente" if i % 7 == 0 else "general",
                )
                with candado:
                    emitidos.append(t["folio"])
        except BaseException as e:  # noqa: BLE001
            errores.append(e)

    def llamador(h: int) -> None:
        numero = h % VENTANILLAS + 1  # dos hilos por ventanilla: compiten también por ella
        try:
            vacias = 0
            while vacias < 50:
                try:
                    t = atencion.llamar(
                        alm, "prueba", numero, centro.jefe, AHORA + timedelta(minutes=5)
                    )
                except Conflicto:
                    t = None  # la otra mitad de la ventanilla tiene un turno en curso
                    with contextlib.suppress(Conflicto):
                        atencion.actuar(
                            alm,
                            "prueba",
                            numero,
                            Accion.FINALIZAR,
                            centro.jefe,
                            AHORA + timedelta(minutes=6),
                        )
                    continue
                if t is None:
                    if fin_emision.is_set():
                        vacias += 1
                    continue
                with candado:
                    atendidos[t["folio"]] += 1
                with contextlib.suppress(Conflicto):
                    atencion.actuar(
                        alm,
                        "prueba",
                        numero,
                        Accion.FINALIZAR,
                        centro.jefe,
                        AHORA + timedelta(minutes=6),
                    )
        except BaseException as e:  # noqa: BLE001
            errores.append(e)

    hilos_k = [threading.Thread(target=kiosco, args=(k,)) for k in range(KIOSCOS)]
    hilos_l = [threading.Thread(target=llamador, args=(h,)) for h in range(LLAMADORES)]
    for h in hilos_k + hilos_l:
        h.start()
    for h in hilos_k:
        h.join()
    fin_emision.set()
    for h in hilos_l:
        h.join(timeout=300)
    assert not errores, errores[:3]
    total = KIOSCOS * POR_KIOSCO
    assert len(emitidos) == len(set(emitidos)) == total
    with alm.lectura() as c:
        llamadas = Counter(
            tid
            for (tid,) in c.execute(
                text("SELECT turno_id FROM evento WHERE tipo = 'turno_llamado'")
            )
        )
        estados = Counter(e for (e,) in c.execute(text("SELECT estado FROM turno")))
        folios_bd = c.execute(text("SELECT count(DISTINCT folio) FROM turno")).scalar_one()
    assert folios_bd == total
    assert len(llamadas) == total and set(llamadas.values()) == {1}  # cada turno, una sola llamada
    assert estados == {"atendido": total}
    assert sum(atendidos.values()) == total and set(atendidos.values()) == {1}
    assert auditar(alm, "prueba")[1] is None
    verificar_espera(alm)

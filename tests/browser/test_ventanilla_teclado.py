"""«Done when» del issue 15, en Chromium real: la mañana de un empleado SOLO con teclado (Tab,
Enter, flechas en un select y los atajos de la página; ningún clic): iniciar sesión, abrir
ventanilla, llamar, volver a llamar, «No se presentó» (tras la rellamada), deshacer
(reincorporar), transferir a una ventanilla y finalizar con una marca de resultado. axe-core
revisa cada pantalla: 0 violaciones serias o críticas."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.test_kiosco_navegador import serias

pytestmark = pytest.mark.browser


@pytest.fixture
def con_marcas(tmp_path):
    """uvicorn real sobre SQLite en archivo; el trámite A con marcas de resultado."""
    from tests.conftest import AHORA, sembrar_centro
    from tests.servidor import servidor
    from turnos.db.almacen import Almacen
    from turnos.db.migrar import migrar
    from turnos.db.motor import crear_motor
    from turnos.servicios import resultados

    url = f"sqlite:///{tmp_path / 'turnos.db'}"
    motor = crear_motor(url)
    migrar(motor)
    alm = Almacen(motor)
    centro = sembrar_centro(alm)
    resultados.guardar(alm, "prueba", "A", "+ Resuelto\nFalta documento", AHORA)
    motor.dispose()
    with servidor(url) as s:
        yield s, centro


def tab_hasta(p: Any, selector: str, texto: str = "", maximo: int = 60) -> None:
    """Tab (solo teclado) hasta que el foco quede en un elemento que cumple `selector` (y
    contiene `texto`)."""
    for _ in range(maximo):
        if p.evaluate(
            "([s, t]) => { const e = document.activeElement;"
            " return e.matches(s) && e.textContent.includes(t); }",
            [selector, texto],
        ):
            return
        p.keyboard.press("Tab")
    raise AssertionError(f"con Tab no se llega a {selector} {texto}")


def aviso(p: Any, texto: str) -> None:
    p.get_by_text(texto).wait_for(timeout=10_000)


def test_la_manana_de_un_empleado_solo_con_teclado(pagina, con_marcas):
    s, centro = con_marcas
    p = pagina
    kiosco = {"Authorization": f"Bearer {centro.kiosco_token}"}
    tickets = [
        httpx.post(f"{s.url}/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=kiosco)
        for _ in range(2)
    ]
    assert [t.status_code for t in tickets] == [201, 201]
    fallas: dict[str, list[str]] = {}

    # Iniciar sesión
    p.goto(f"{s.url}/ventanilla")
    assert "/login" in p.url
    fallas["login"] = serias(p)
    tab_hasta(p, "input[name=usuario]")
    p.keyboard.type("v1-prueba")
    tab_hasta(p, "input[name=password]")
    p.keyboard.type("contrasena-segura")
    p.keyboard.press("Enter")
    p.get_by_text("elija su ventanilla").wait_for()
    fallas["elegir"] = serias(p)

    # Abrir ventanilla
    tab_hasta(p, "button", "Abrir Ventanilla 1")
    p.keyboard.press("Enter")
    aviso(p, "Ventanilla abierta.")

    # Llamar (atajo L): «No se presentó» deshabilitado con su motivo hasta rellamar
    p.keyboard.press("l")
    aviso(p, "Turno A-001 llamado.")
    ausente = p.locator("button", has_text="No se presentó")
    assert ausente.is_disabled()
    assert "vuelva a llamar" in p.locator("#motivo-ausente").inner_text()
    fallas["llamado"] = serias(p)
    p.keyboard.press("a")  # deshabilitado: el atajo no hace nada
    assert p.locator(".turno-actual .folio").inner_text() == "A-001"

    # Volver a llamar (R); ahora sí «No se presentó» (A)
    p.keyboard.press("r")
    aviso(p, "Turno A-001 llamado de nuevo.")
    assert p.locator("button", has_text="No se presentó").is_enabled()
    p.keyboard.press("a")
    aviso(p, "Turno A-001 marcado ausente.")
    publico = httpx.get(f"{s.url}/api/v1/turnos/{tickets[0].json()['token']}").json()
    assert publico["estado"] == "ausente" and publico["ausencia"]["definitiva"] is False
    fallas["ausente"] = serias(p)

    # Deshacer (D): reincorporar; vuelve al frente de esta ventanilla
    p.keyboard.press("d")
    aviso(p, "Turno A-001 de vuelta en la fila")
    p.keyboard.press("l")
    aviso(p, "Turno A-001 llamado.")

    # Transferir a una ventanilla (Tab/Enter, flechas en el select, Enter en el motivo)
    tab_hasta(p, "summary", "Transferir")
    p.keyboard.press("Enter")
    tab_hasta(p, "#ventanilla-destino")
    p.keyboard.press("ArrowDown")  # Ventanilla 2
    assert p.eval_on_selector("#ventanilla-destino", "e => e.value") == "2"
    tab_hasta(p, "#motivo-transferir")
    fallas["transferir"] = serias(p)
    p.keyboard.type("lo atiende la supervisora")
    p.keyboard.press("Enter")
    aviso(p, "Turno A-001 transferido.")

    # Finalizar con una marca de resultado
    p.keyboard.press("l")
    aviso(p, "Turno A-002 llamado.")
    fallas["marcas"] = serias(p)
    tab_hasta(p, "button[name=resultado][value=resuelto]")
    p.keyboard.press("Enter")
    aviso(p, "Turno A-002 finalizado.")

    assert {k: v for k, v in fallas.items() if v} == {}
    # El transferido quedó para la ventanilla 2 (solo ella lo llama), con el motivo registrado.
    jefe = {"Authorization": f"Bearer {centro.jefe_token}"}
    base = f"{s.url}/api/v1/centros/prueba/ventanillas"
    assert httpx.post(f"{base}/3/abrir", headers=jefe).status_code == 200
    assert httpx.post(f"{base}/3/llamar", headers=jefe).status_code == 204
    publico = httpx.get(f"{s.url}/api/v1/turnos/{tickets[1].json()['token']}").json()
    assert publico["estado"] == "atendido"

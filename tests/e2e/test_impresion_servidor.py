"""Impresión de punta a punta con un servidor uvicorn real (subproceso) y la BD de la prueba.

- impresora `archivo://`: el ticket que sale del kiosco se decodifica byte a byte;
- impresora de red contra `ImpresoraSimulada` (TCP real en 127.0.0.1): normal, muda, conexión
  rechazada y sin papel. En cada falla el turno sigue en la fila, el trabajo queda `fallido`, la
  bitácora tiene `impresion_fallida` (la pantalla la recibe en vivo) y la cadena sigue íntegra.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from websockets.sync.client import connect

from kiosco.cli import asignar
from kiosco.impresoras.simulador import SIN_PAPEL, ImpresoraSimulada
from tests.escpos_decodificar import decodificar, textos
from tests.servidor import puerto_libre, servidor
from turnos.servicios.auditoria import auditar

CENTRO = "prueba"
RAPIDA = "?conexion_s=1&estado_s=0.3&envio_s=2"  # que la impresora muda falle pronto


class SimuladaEnHilo:
    """`ImpresoraSimulada` en su propio loop, para usarla desde una prueba síncrona."""

    def __init__(self, **opciones: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.hilo = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.impresora = ImpresoraSimulada(**opciones)

    def __enter__(self) -> ImpresoraSimulada:
        self.hilo.start()
        asyncio.run_coroutine_threadsafe(self.impresora.iniciar(), self.loop).result(5)
        return self.impresora

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self.impresora.detener(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.hilo.join(5)


def emitir(url: str, token: str, tramite: str = "A", clase: str = "general") -> dict[str, Any]:
    r = httpx.post(
        f"{url}/api/v1/kiosco/{CENTRO}/turnos",
        json={"tramite": tramite, "clase": clase},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    return r.json()


def token_de(ticket: dict[str, Any]) -> str:
    return str(ticket["url"].rsplit("/t/", 1)[1])


def eventos(alm: Any, tipo: str) -> list[dict[str, Any]]:
    with alm.lectura() as c:
        return [
            json.loads(d)
            for (d,) in c.execute(
                text("SELECT datos FROM evento WHERE tipo = :t ORDER BY seq"), {"t": tipo}
            )
        ]


@pytest.fixture
def srv(alm, centro, db_url) -> Iterator[Any]:
    with servidor(db_url) as s:
        yield s


def test_kiosco_imprime_en_archivo_y_el_ticket_se_decodifica(alm, centro, srv, tmp_path: Path):
    destino = tmp_path / "tickets.bin"
    asignar(alm, "kiosco-1", f"archivo://{destino}", "epson_tm_t20ii", CENTRO)
    r = emitir(srv.url, centro.kiosco_token, "B")
    assert r["impresion"]["estado"] == "impreso"
    comandos = decodificar(destino.read_bytes())
    nombres = [c.nombre for c in comandos]
    assert nombres[0] == "inicializar"
    assert ("tabla", 2) in [(c.nombre, c.valor) for c in comandos]  # ESC t 2 = CP850
    lineas = textos(comandos)
    assert r["ticket"]["folio"] == "B-001" and "B-001" in lineas
    assert "Trámite: Trámite B" in lineas
    assert "Este trámite es gratuito" in lineas
    qr = next(c for c in comandos if c.nombre == "qr_nativo" and c.valor == 80)  # TM-T20II: nativo
    assert qr.datos.decode() == r["ticket"]["url"]
    assert "corte" in nombres
    # El QR lleva a /t/{token} de este servidor, y esa página existe.
    assert r["ticket"]["url"].startswith(f"{srv.url}/t/")
    assert httpx.get(r["ticket"]["url"]).status_code == 200


@pytest.fixture
def pantalla(centro, srv) -> Iterator[Any]:
    """Websocket de la pantalla de sala: ahí debe verse cada falla de impresión."""
    url = f"{srv.url.replace('http', 'ws')}/ws/pantalla/{CENTRO}?token={centro.pantalla_token}"
    with connect(url, open_timeout=5) as ws:
        ws.recv(timeout=5)  # snapshot
        yield ws


def test_impresora_de_red_normal_muda_rechazada_y_sin_papel(alm, centro, srv, pantalla):
    jefe = {"Authorization": f"Bearer {centro.jefe_token}"}
    ws = pantalla

    def falla_en_pantalla(folio: str) -> dict[str, Any]:
        while True:
            evento = json.loads(ws.recv(timeout=15))
            if evento.get("tipo") == "impresion_fallida":
                assert evento["impresion"]["folio"] == folio
                return evento

    # 1) normal: los bytes llegan completos a la impresora
    with SimuladaEnHilo() as impresora:
        asignar(alm, "kiosco-1", impresora.url + RAPIDA, "generico_80mm", CENTRO)
        r = emitir(srv.url, centro.kiosco_token)
        assert r["impresion"]["estado"] == "impreso"
        assert r["ticket"]["folio"] in textos(decodificar(bytes(impresora.recibido)))
        assert impresora.consultas  # consultó el estado antes y después

    casos: list[tuple[str, dict[str, Any], str]] = [
        ("muda", {"modo": "silenciosa"}, "no respondió"),
        ("sin_papel", {"respuestas": {1: 0x12, 2: 0x12, 4: SIN_PAPEL}}, "no tiene papel"),
    ]
    fallidos: list[str] = []
    for _, opciones, motivo in casos:
        with SimuladaEnHilo(**opciones) as impresora:
            asignar(alm, "kiosco-1", impresora.url + RAPIDA, "generico_80mm", CENTRO)
            r = emitir(srv.url, centro.kiosco_token)
        assert r["impresion"]["estado"] == "fallido", r["impresion"]
        assert motivo in r["impresion"]["motivo"]
        assert r["impresion"]["mensaje"].startswith("No pudimos imprimir")
        assert r["ticket"]["qr"]["d"]  # el QR se muestra en pantalla para fotografiarlo
        fallidos.append(r["ticket"]["folio"])
        falla_en_pantalla(r["ticket"]["folio"])
        # No hay turno fantasma ni turno perdido: sigue en la fila.
        publico = httpx.get(f"{srv.url}/api/v1/turnos/{token_de(r['ticket'])}").json()
        assert publico["estado"] == "en_espera" and publico["folio"] == r["ticket"]["folio"]

    # 3) conexión rechazada: un puerto sin nadie escuchando
    asignar(
        alm, "kiosco-1", f"escpos+net://127.0.0.1:{puerto_libre()}{RAPIDA}", "generico_80mm", CENTRO
    )
    r = emitir(srv.url, centro.kiosco_token)
    assert r["impresion"]["estado"] == "fallido"
    assert r["impresion"]["motivo"]
    fallidos.append(r["ticket"]["folio"])
    falla_en_pantalla(r["ticket"]["folio"])

    lista = httpx.get(
        f"{srv.url}/api/v1/centros/{CENTRO}/impresiones?estado=fallido", headers=jefe
    ).json()
    assert sorted(t["folio"] for t in lista["trabajos"]) == sorted(fallidos)
    registrados = eventos(alm, "impresion_fallida")
    assert [e["folio"] for e in registrados] == fallidos
    assert all(e["dispositivo"] == "kiosco-1" and e["impresora"] for e in registrados)
    assert all("nombre" not in e and "contacto" not in e for e in registrados)
    total, falla = auditar(alm, CENTRO)
    assert falla is None and total > 0


def test_reimpresion_por_el_personal(alm, centro, srv, tmp_path: Path):
    destino = tmp_path / "tickets.bin"
    asignar(alm, "kiosco-1", f"archivo:///no/existe/{destino.name}", "generico_58mm", CENTRO)
    r = emitir(srv.url, centro.kiosco_token)
    assert r["impresion"]["estado"] == "fallido"
    folio = r["ticket"]["folio"]
    # Ya con papel (otra impresora), el personal reimprime por folio.
    asignar(alm, "kiosco-1", f"archivo://{destino}", "generico_58mm", CENTRO)
    url = f"{srv.url}/api/v1/centros/{CENTRO}/turnos/{folio}/reimprimir"
    sin_permiso = httpx.post(
        url, json={}, headers={"Authorization": f"Bearer {centro.kiosco_token}"}
    )
    assert sin_permiso.status_code == 403 and sin_permiso.json()["error"] == "prohibido"
    staff = {"Authorization": f"Bearer {centro.staff_tokens[0]}"}
    # Sin dispositivo: usa la impresora del trabajo anterior (la rota) y vuelve a fallar.
    assert httpx.post(url, json={}, headers=staff, timeout=30).json()["estado"] == "fallido"
    r2 = httpx.post(url, json={"dispositivo": "kiosco-1"}, headers=staff, timeout=30)
    assert r2.status_code == 200 and r2.json()["estado"] == "impreso", r2.text
    assert folio in textos(decodificar(destino.read_bytes()))
    assert [e["folio"] for e in eventos(alm, "ticket_reimpreso")] == [folio, folio]
    no_hay = httpx.post(
        f"{srv.url}/api/v1/centros/{CENTRO}/turnos/Z-999/reimprimir", json={}, headers=staff
    )
    assert no_hay.status_code == 404 and no_hay.json()["error"] == "turno_no_encontrado"
    assert auditar(alm, CENTRO)[1] is None


def test_demo_imprime_en_su_archivo(tmp_path: Path):
    """`turnos serve --demo`: el kiosco «kiosco-entrada» imprime en tickets-demo.bin."""
    from turnos.db.almacen import Almacen
    from turnos.db.migrar import migrar
    from turnos.db.motor import crear_motor
    from turnos.demo import extender_horario, sembrar
    from turnos.tiempo import ahora

    db = f"sqlite:///{tmp_path / 'demo.db'}"
    motor = crear_motor(db)
    migrar(motor)
    cred = sembrar(Almacen(motor), ahora(), tmp_path)
    extender_horario(Almacen(motor), ahora())  # como `serve --demo`: abre a cualquier hora
    motor.dispose()
    token = next(t for tipo, nombre, t in cred.dispositivos if nombre == "kiosco-entrada")
    with servidor(db) as s:
        r = httpx.post(
            f"{s.url}/api/v1/kiosco/demo/turnos",
            json={"tramite": "ACT"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
    assert r.status_code == 201 and r.json()["impresion"]["estado"] == "impreso"
    lineas = textos(decodificar((tmp_path / "tickets-demo.bin").read_bytes()))
    assert "A-001" in lineas and "Trámite: Acta de nacimiento (copia certificada)" in lineas
    assert "Costo: $90.00" in lineas

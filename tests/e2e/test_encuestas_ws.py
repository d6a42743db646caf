"""La tableta de cada ventanilla sobre uvicorn real y el cliente ``websockets``: al finalizar un
turno en la ventanilla 1 solo la tableta de la 1 recibe la encuesta (sin sondeo); una nueva
reemplaza a la no respondida; responder (tableta o teléfono) la regresa a reposo; al reconectar
(también tras reiniciar el servidor) recibe la pendiente."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.conftest import AHORA
from tests.servidor import servidor
from turnos.servicios import cuentas

LIMITE_S = 30.0  # tope para no colgar la prueba (no es una medida de tiempo)


class Centro:
    def __init__(self, url: str, centro: Any, tableta: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.ws = url.replace("http", "ws", 1)
        self.centro, self.tableta = centro, tableta

    def clave_de(self, token: str) -> str | None:
        return self.http.get(f"/api/v1/turnos/{token}").json()["encuesta"]

    def conectar(self, ventanilla: int, token: str | None = None):
        ruta = f"/ws/encuesta/prueba/{ventanilla}?token={token or self.tableta}"
        return connect(self.ws + ruta)


def emitir_y_atender(c: Centro, ventanilla: int) -> str:
    k = {"Authorization": f"Bearer {c.centro.kiosco_token}"}
    r = c.http.post("/api/v1/centros/prueba/turnos", json={"tramite": "A"}, headers=k)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    v = {"Authorization": f"Bearer {c.centro.staff_tokens[ventanilla - 1]}"}
    for accion in ("abrir", "llamar", "finalizar"):
        r = c.http.post(f"/api/v1/centros/prueba/ventanillas/{ventanilla}/{accion}", headers=v)
        assert r.status_code == 200, r.text
    return str(token)


async def recibir(ws) -> dict[str, Any]:
    """El siguiente mensaje que no sea latido."""
    async with asyncio.timeout(LIMITE_S):
        while True:
            msg = json.loads(await ws.recv())
            if msg["tipo"] != "latido":
                return msg


async def en_hilo(f, *args):
    return await asyncio.get_running_loop().run_in_executor(None, f, *args)


@pytest.fixture
def tableta(alm, centro) -> str:
    return cuentas.crear_dispositivo(alm, "prueba", "tableta", "tableta-1", AHORA)[1]


def test_solo_su_ventanilla_reemplazo_respuesta_y_reconexion(alm, centro, db_url, tableta):
    with servidor(db_url) as s:
        c = Centro(s.url, centro, tableta)

        async def escenario() -> None:
            async with c.conectar(1) as t1, c.conectar(2) as t2:
                assert await recibir(t1) == {"tipo": "reposo"}
                assert await recibir(t2) == {"tipo": "reposo"}
                token = await en_hilo(emitir_y_atender, c, 1)
                k1 = c.clave_de(token)
                msg = await recibir(t1)
                assert msg["tipo"] == "encuesta" and msg["clave"] == k1 and msg["folio"]
                # La 2 no recibió nada: su siguiente mensaje es la encuesta de su propio turno.
                token2 = await en_hilo(emitir_y_atender, c, 2)
                assert (await recibir(t2))["clave"] == c.clave_de(token2) != k1
                # Un nuevo turno atendido en la 1 reemplaza la encuesta no respondida.
                token3 = await en_hilo(emitir_y_atender, c, 1)
                k3 = c.clave_de(token3)
                assert (await recibir(t1))["clave"] == k3 != k1
                # La tableta responde con su token: 201, y vuelve a reposo; segunda vez: 409.
                h = {"Authorization": f"Bearer {tableta}"}
                r = c.http.post(f"/api/v1/encuestas/{k3}", json={"calificacion": 5}, headers=h)
                assert r.status_code == 201 and r.json()["canal"] == "tableta"
                assert await recibir(t1) == {"tipo": "reposo"}
                r = c.http.post(f"/api/v1/encuestas/{k3}", json={"calificacion": 1})
                assert r.status_code == 409 and r.json()["error"] == "encuesta_respondida"
                # La reemplazada sigue valiendo en el teléfono (misma clave del ticket).
                r = c.http.post(f"/api/v1/encuestas/{k1}", json={"calificacion": 4})
                assert r.status_code == 201 and r.json()["canal"] == "telefono"
            # Desconectada a medias: lo que pase mientras tanto llega al reconectar.
            token4 = await en_hilo(emitir_y_atender, c, 1)
            k4 = c.clave_de(token4)
            async with c.conectar(1) as t1:
                assert (await recibir(t1))["clave"] == k4
                # Responde el teléfono: la tableta vuelve a reposo (sin clave en el evento).
                r = c.http.post(f"/api/v1/encuestas/{k4}", json={"calificacion": 2})
                assert r.status_code == 201
                assert await recibir(t1) == {"tipo": "reposo"}

        asyncio.run(escenario())


def test_sobrevive_a_un_reinicio_y_rechaza_otros_dispositivos(alm, centro, db_url, tableta):
    with servidor(db_url) as s:
        c = Centro(s.url, centro, tableta)
        clave = c.clave_de(emitir_y_atender(c, 1))
    with servidor(db_url) as s:  # otro proceso: nada en memoria
        c = Centro(s.url, centro, tableta)

        async def escenario() -> None:
            async with c.conectar(1) as t1:
                assert (await recibir(t1))["clave"] == clave
            for token in (centro.pantalla_token, centro.kiosco_token, "inventado"):
                # Cerrado antes de aceptar: uvicorn responde 403 al saludo.
                with pytest.raises(InvalidStatus) as rechazo:
                    async with c.conectar(1, token) as ws:
                        await recibir(ws)
                assert rechazo.value.response.status_code == 403
            pagina = c.http.get(f"/encuesta/prueba/1?token={tableta}")
            assert pagina.status_code == 200 and "/static/encuestas/tableta.js" in pagina.text
            assert "default-src 'self'" in pagina.headers["content-security-policy"]

        asyncio.run(escenario())

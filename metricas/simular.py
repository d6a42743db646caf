"""Simula una mañana contra la API HTTP real (httpx): emite turnos en varios trámites, abre
ventanillas y llama, inicia y finaliza, con algunas ausencias y transferencias.

Usa solo las ventanillas libres (cerradas, sin persona): nunca toma la de alguien que está
atendiendo. Al terminar finaliza los turnos que quedaron en sus ventanillas y las cierra.

El tiempo va comprimido (`segundos_por_minuto` reales por minuto simulado); el servidor usa su
propio reloj, así que las esperas medidas son las reales comprimidas. Sirve para ver el tablero
y /metrics moverse con `turnos serve --demo`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

PROB_AUSENTE = 0.06
PROB_TRANSFERIR = 0.04
LLEGADAS_POR_MINUTO = 1.2  # en todo el centro


@dataclass
class _Ventanilla:
    numero: int
    tramites: list[str]
    turno: str | None = None
    tramite: str = ""
    iniciado: bool = False
    restante: int = 0  # minutos simulados que le quedan a la atención actual


@dataclass
class Resultado:
    emitidos: int = 0
    atendidos: int = 0
    ausentes: int = 0
    transferidos: int = 0
    errores: list[str] = field(default_factory=list)


def _llegadas(rnd: random.Random, tasa: float) -> int:
    """Poisson por minuto (multiplicando uniformes: tasas pequeñas)."""
    limite, n, p = pow(2.718281828459045, -tasa), 0, rnd.random()
    while p > limite:
        n += 1
        p *= rnd.random()
    return n


def simular(
    url: str,
    centro: str,
    token_kiosco: str,
    token_personal: str,
    *,
    minutos: int = 240,
    segundos_por_minuto: float = 0.05,
    semilla: int = 1,
    cliente: httpx.Client | None = None,
) -> dict[str, Any]:
    rnd = random.Random(semilla)
    http = cliente or httpx.Client(base_url=url, timeout=10)
    kiosco = {"Authorization": f"Bearer {token_kiosco}"}
    personal = {"Authorization": f"Bearer {token_personal}"}
    r = Resultado()

    def accion(v: _Ventanilla, nombre: str, **datos: Any) -> dict[str, Any] | None:
        resp = http.post(
            f"/api/v1/centros/{centro}/ventanillas/{v.numero}/{nombre}",
            json=datos,
            headers=personal,
        )
        if resp.status_code >= 400:
            r.errores.append(f"{nombre} {v.numero}: {resp.status_code} {resp.text[:120]}")
            return None
        return resp.json() if resp.content else None

    cola = http.get(f"/api/v1/centros/{centro}/cola", headers=personal)
    cola.raise_for_status()
    datos_cola = cola.json()
    claves = [t["clave"] for t in datos_cola["tramites"]]
    libres = [v for v in datos_cola["ventanillas"] if v["estado"] == "cerrada"]
    if not libres:
        r.errores.append("No hay ventanillas libres (cerradas) para simular.")
    ventanillas = [_Ventanilla(v["numero"], v["tramites"]) for v in libres]
    ventanillas = [v for v in ventanillas if accion(v, "abrir") is not None]
    try:
        for _ in range(minutos):
            for _ in range(_llegadas(rnd, LLEGADAS_POR_MINUTO)):
                resp = http.post(
                    f"/api/v1/centros/{centro}/turnos",
                    json={
                        "tramite": rnd.choice(claves),
                        "clase": "preferente" if rnd.random() < 0.12 else "general",
                    },
                    headers=kiosco,
                )
                if resp.status_code == 201:
                    r.emitidos += 1
                else:
                    r.errores.append(f"emitir: {resp.status_code}")
            for v in ventanillas:
                _paso(v, rnd, accion, r, claves)
            time.sleep(segundos_por_minuto)
    finally:
        for v in ventanillas:  # deja todo como lo encontró: sin turnos en curso, cerradas
            if v.turno is not None and accion(v, "finalizar"):
                r.atendidos += 1
            accion(v, "cerrar")
        if cliente is None:
            http.close()
    return {**r.__dict__, "errores": r.errores[:20]}


def _paso(v: _Ventanilla, rnd: random.Random, accion: Any, r: Resultado, claves: list[str]) -> None:
    """Un minuto de una ventanilla: llamar → (ausente | iniciar) → … → finalizar o transferir."""
    if v.turno is None:
        llamado = accion(v, "llamar")
        if llamado:
            v.turno, v.tramite, v.iniciado = llamado["folio"], llamado["tramite"], False
            v.restante = 1 + int(rnd.expovariate(1 / 6))
        return
    if not v.iniciado:
        if rnd.random() < PROB_AUSENTE:
            accion(v, "rellamar")  # salvaguarda: «no se presentó» solo tras una rellamada
            if accion(v, "ausente"):
                r.ausentes += 1
            v.turno = None
        else:
            v.iniciado = accion(v, "iniciar") is not None
        return
    v.restante -= 1
    if v.restante > 0:
        return
    if rnd.random() < PROB_TRANSFERIR and len(claves) > 1:
        destino = rnd.choice([c for c in claves if c != v.tramite])
        if accion(v, "transferir", tramite=destino, motivo="simulación"):
            r.transferidos += 1
    elif accion(v, "finalizar"):
        r.atendidos += 1
    v.turno = None

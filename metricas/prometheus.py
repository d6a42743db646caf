"""Exportación Prometheus: los contadores e histogramas salen de la bitácora de la BD.

Cada proceso lleva, por centro, la marca del último `seq` leído y suma solo los eventos nuevos
(el `seq` de un centro avanza bajo el candado de su fila `cadena`, así que todo `seq` ≤ la punta
ya está confirmado: no hay huecos). Por eso dos procesos dan las mismas cifras y un reinicio no
pierde nada. Los acumulados se guardan en `metricas_acumulado` (metricas/acumulado.py): el primer
scrape de un proceso parte de ahí y lee solo la bitácora posterior, no la historia completa.

Los medidores (en espera, espera más antigua, ventanillas) se leen en cada scrape con índices.
El texto de cada centro se guarda y solo se vuelve a formatear cuando su `seq` cambia: con
50 centros × 40 trámites son ~80 000 líneas que `generate_latest` tardaría ~0.8 s en escribir.
`colector.ColectorTurnos` ofrece las mismas cifras como un Collector de prometheus_client.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from sqlalchemy import Connection, bindparam, text

from metricas import acumulado
from metricas.eta_metricas import PrecisionEta
from turnos.capacidades import descubrir
from turnos.tiempo import a_ms

CUBETAS = (60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200)
CONTADORES = (
    ("emitidos", "turno_emitido", "Turnos emitidos (primer tramo)."),
    ("atendidos", "turno_finalizado", "Tramos atendidos (finalizados)."),
    ("ausentes", "turno_ausente", "Tramos marcados ausentes."),
    ("cancelados", "turno_cancelado", "Turnos cancelados."),
    ("transferidos", "turno_transferido", "Tramos transferidos a otro trámite."),
    # Un contador no baja: la ausencia deshecha se cuenta aparte (ausentes − reincorporados).
    ("reincorporados", "turno_reincorporado", "Tramos ausentes que volvieron a la fila."),
)
CATALOGO_S = 60.0  # cada cuánto se releen trámites y metas
_INDICE = {tipo: i for i, (_, tipo, _) in enumerate(CONTADORES)}
_BORDES = tuple(f'{b}.0"}} ' for b in CUBETAS)  # el final de `le="60.0"} `, ya formateado
HISTOGRAMAS = (
    ("espera", "De la entrada a la cola a la llamada (observada al llamar), en segundos."),
    ("atencion", "Del inicio al fin de la atención o a la transferencia, en segundos."),
)

_PUNTAS = text(
    "SELECT c.id, c.slug, k.seq FROM centro c LEFT JOIN cadena k ON k.centro_id = c.id"
    " WHERE c.activo = true"
)
_EVENTOS = text(
    "SELECT e.tipo, t.tramite_id, t.origen, t.en_cola_ms, t.llamado_ms, t.inicio_ms, t.fin_ms"
    " FROM evento e LEFT JOIN turno t ON t.id = e.turno_id WHERE e.centro_id = :c"
    " AND e.seq > :desde AND e.seq <= :hasta AND e.tipo IN ('turno_emitido', 'turno_llamado',"
    " 'turno_finalizado', 'turno_ausente', 'turno_cancelado', 'turno_transferido',"
    " 'turno_reincorporado', 'impresion_fallida') ORDER BY e.seq"  # mismo orden de sumas en todos los procesos
)
_TRAMITES = text(
    "SELECT id, centro_id, clave, espera_maxima_min, atencion_maxima_min, activo FROM tramite"
)
_ESPERANDO = text(
    "SELECT centro_id, tramite_id, count(*) AS n, min(en_cola_ms) AS primero FROM turno"
    " WHERE centro_id IN :ids AND estado = 'en_espera' GROUP BY centro_id, tramite_id"
).bindparams(bindparam("ids", expanding=True))
_VENTANILLAS = text(
    "SELECT centro_id, count(*) FILTER (WHERE estado IN ('abierta', 'atendiendo')) AS abiertas,"
    " count(*) FILTER (WHERE estado = 'atendiendo') AS atendiendo FROM ventanilla"
    " WHERE activo = true GROUP BY centro_id"
)


def _esc(valor: str) -> str:
    return valor.replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")


def _num(v: float) -> str:
    return repr(float(v)) if v != int(v) else f"{int(v)}.0"


@dataclass
class _Hist:
    cubetas: list[int] = field(default_factory=lambda: [0] * len(CUBETAS))
    total: int = 0
    suma: float = 0.0

    def observar(self, segundos: float) -> None:
        for i, borde in enumerate(CUBETAS):
            if segundos <= borde:
                self.cubetas[i] += 1
        self.total += 1
        self.suma += segundos


@dataclass
class _Centro:
    slug: str
    seq: int = 0
    contadores: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    hist: dict[tuple[str, int], _Hist] = field(default_factory=dict)
    impresiones: int = 0
    texto: dict[str, bytes] = field(default_factory=dict)  # por familia; se vacía si cambia
    filas: list[tuple[str, list[int]]] | None = None  # etiquetas de contadores, mismo ciclo

    def invalidar(self) -> None:
        self.texto.clear()
        self.filas = None


@dataclass(frozen=True)
class Medidores:
    esperando: dict[tuple[int, int], tuple[int, int]]  # (centro, trámite) -> (n, primero_ms)
    ventanillas: dict[int, tuple[int, int]]  # centro -> (abiertas, atendiendo)
    ahora_ms: int


class EstadoMetricas:
    """Acumulados de la bitácora por proceso, al día con la BD en cada `actualizar`."""

    def __init__(self, alm: Any, reloj: Callable[[], Any]) -> None:
        self.alm = alm
        self.reloj = reloj
        self.centros: dict[int, _Centro] = {}
        self.tramites: dict[int, Any] = {}
        self._catalogo_hasta = 0.0
        self._etiquetas: dict[int, str] = {}  # por trámite: 'centro="…",tramite="…"'
        self._candado = threading.RLock()  # actualizar y formatear, sin carreras
        self.guardado: dict[int, int] | None = None  # seq guardado por centro (None: sin leer)
        self.guardar_en = 0.0  # cuándo toca volver a guardar (monotonic)

    def _cargar_catalogo(self, conn: Connection) -> None:
        self.tramites = {f.id: f for f in conn.execute(_TRAMITES)}
        self._etiquetas = {}
        self._catalogo_hasta = time.monotonic() + CATALOGO_S
        for c in self.centros.values():
            c.invalidar()

    def _tramite(self, conn: Connection, tid: int) -> Any:
        if tid not in self.tramites:
            self._cargar_catalogo(conn)
        return self.tramites.get(tid)

    def actualizar(self) -> Medidores:
        with self._candado:
            m = self._actualizar()
            acumulado.guardar_si_toca(self)
        return m

    def _actualizar(self) -> Medidores:
        with self.alm.lectura() as conn:
            if time.monotonic() >= self._catalogo_hasta:
                self._cargar_catalogo(conn)  # metas y trámites nuevos, a lo más cada minuto
            puntas = conn.execute(_PUNTAS).all()
            if self.guardado is None:
                acumulado.cargar(self, conn, puntas)  # el proceso parte de lo guardado
            for cid, slug, punta in puntas:
                c = self.centros.setdefault(cid, _Centro(slug))
                if punta and punta > c.seq:
                    self._leer(conn, cid, c, punta)
            ids = list(self.centros) or [-1]
            esperando = {
                (f.centro_id, f.tramite_id): (f.n, f.primero)
                for f in conn.execute(_ESPERANDO, {"ids": ids})
            }
            ventanillas = {
                f.centro_id: (f.abiertas, f.atendiendo) for f in conn.execute(_VENTANILLAS)
            }
        return Medidores(esperando, ventanillas, a_ms(self.reloj()))

    def _leer(self, conn: Connection, cid: int, c: _Centro, punta: int) -> None:
        for tipo, tid, origen, cola, llamado, inicio, fin in conn.execute(
            _EVENTOS, {"c": cid, "desde": c.seq, "hasta": punta}
        ):
            if tipo == "impresion_fallida":
                c.impresiones += 1
                continue
            if tid is None or self._tramite(conn, tid) is None:
                continue
            if tipo == "turno_llamado":
                if llamado is not None:
                    self._hist(c, "espera", tid).observar((llamado - cola) / 1000)
                continue
            c.contadores.setdefault((tid, origen), [0] * len(CONTADORES))[_INDICE[tipo]] += 1
            if tipo in ("turno_finalizado", "turno_transferido") and None not in (inicio, fin):
                self._hist(c, "atencion", tid).observar((fin - inicio) / 1000)
        c.seq = punta
        c.invalidar()

    @staticmethod
    def _hist(c: _Centro, reloj: str, tid: int) -> _Hist:
        return c.hist.setdefault((reloj, tid), _Hist())

    # -- texto de exposición ----------------------------------------------------------------

    def texto(self) -> bytes:
        with self._candado:
            return self._texto(self.actualizar())

    def _texto(self, m: Medidores) -> bytes:
        partes: list[bytes] = []
        for nombre, ayuda in HISTOGRAMAS:
            familia = f"turnos_{nombre}_seconds"
            partes.append(f"# HELP {familia} {ayuda}\n# TYPE {familia} histogram\n".encode())
            partes += [self._texto_centro(c, nombre) for c in self.centros.values()]
        for i, (nombre, _, ayuda) in enumerate(CONTADORES):
            familia = f"turnos_{nombre}_total"  # formato 0.0.4: HELP/TYPE con el sufijo
            partes.append(f"# HELP {familia} {ayuda}\n# TYPE {familia} counter\n".encode())
            partes += [self._texto_centro(c, nombre, i) for c in self.centros.values()]
        fallas = [
            "# HELP turnos_impresiones_fallidas_total Tickets cuya impresión falló.\n"
            "# TYPE turnos_impresiones_fallidas_total counter\n"
        ]
        fallas += [
            f'turnos_impresiones_fallidas_total{{centro="{_esc(c.slug)}"}} {_num(c.impresiones)}\n'
            for c in self.centros.values()
        ]
        partes.append("".join(fallas).encode())
        partes.append(self._medidores(m).encode())
        return b"".join(partes)

    def _texto_centro(self, c: _Centro, nombre: str, i: int = -1) -> bytes:
        guardado = c.texto.get(nombre)
        if guardado is not None:
            return guardado
        centro = _esc(c.slug)
        lineas: list[str] = []
        if i < 0:
            familia = f"turnos_{nombre}_seconds"
            for (reloj, tid), h in sorted(c.hist.items()):
                if reloj != nombre:
                    continue
                base = f'centro="{centro}",tramite="{_esc(self.tramites[tid].clave)}"'
                cubeta = f'{familia}_bucket{{{base},le="'
                lineas += [f"{cubeta}{b}{n}.0\n" for b, n in zip(_BORDES, h.cubetas, strict=True)]
                lineas.append(f'{cubeta}+Inf"}} {h.total}.0\n')
                lineas.append(f"{familia}_sum{{{base}}} {_num(h.suma)}\n")
                lineas.append(f"{familia}_count{{{base}}} {h.total}.0\n")
        else:
            if c.filas is None:  # las etiquetas se arman una vez para todas las familias
                c.filas = [
                    (
                        f'centro="{centro}",tramite="{_esc(self.tramites[tid].clave)}",'
                        f'origen="{_esc(origen)}"}} ',
                        valores,
                    )
                    for (tid, origen), valores in sorted(c.contadores.items())
                ]
            familia = f"turnos_{nombre}_total{{"
            lineas = [f"{familia}{e}{v[i]}.0\n" for e, v in c.filas]
        c.texto[nombre] = texto = "".join(lineas).encode()  # se codifica una vez por cambio
        return texto

    def filas_medidores(self, m: Medidores) -> dict[str, list[tuple[dict[str, str], float]]]:
        """Medidores como {familia: [(etiquetas, valor)]} (los usa también el Collector)."""
        r: dict[str, list[tuple[dict[str, str], float]]] = {
            "turnos_en_espera": [],
            "turnos_espera_mas_antigua_seconds": [],
            "turnos_espera_maxima_seconds": [],
            "turnos_ventanillas_abiertas": [],
            "turnos_ventanillas_atendiendo": [],
        }
        for tid, t in sorted(self.tramites.items()):
            c = self.centros.get(t.centro_id)
            if c is None or not t.activo:
                continue
            etiquetas = {"centro": c.slug, "tramite": t.clave}
            n, primero = m.esperando.get((t.centro_id, tid), (0, None))
            antigua = max(0.0, (m.ahora_ms - primero) / 1000) if primero is not None else 0.0
            r["turnos_en_espera"].append((etiquetas, float(n)))
            r["turnos_espera_mas_antigua_seconds"].append((etiquetas, antigua))
            if t.espera_maxima_min:
                r["turnos_espera_maxima_seconds"].append((etiquetas, t.espera_maxima_min * 60.0))
        for cid, c in self.centros.items():
            abiertas, atendiendo = m.ventanillas.get(cid, (0, 0))
            r["turnos_ventanillas_abiertas"].append(({"centro": c.slug}, float(abiertas)))
            r["turnos_ventanillas_atendiendo"].append(({"centro": c.slug}, float(atendiendo)))
        return r

    def _medidores(self, m: Medidores) -> str:
        """Lo mismo que `filas_medidores`, formateado directo (se hace en cada scrape)."""
        lineas: dict[str, list[str]] = {f: [] for f in _AYUDA_MEDIDOR}
        esperando, antigua, maxima = (
            lineas["turnos_en_espera"],
            lineas["turnos_espera_mas_antigua_seconds"],
            lineas["turnos_espera_maxima_seconds"],
        )
        for tid, t in sorted(self.tramites.items()):
            c = self.centros.get(t.centro_id)
            if c is None or not t.activo:
                continue
            e = self._etiquetas.get(tid)
            if e is None:
                e = self._etiquetas[tid] = f'centro="{_esc(c.slug)}",tramite="{_esc(t.clave)}"'
            n, primero = m.esperando.get((t.centro_id, tid), (0, None))
            seg = max(0.0, (m.ahora_ms - primero) / 1000) if primero is not None else 0.0
            esperando.append(f"turnos_en_espera{{{e}}} {n}.0\n")
            antigua.append(f"turnos_espera_mas_antigua_seconds{{{e}}} {_num(seg)}\n")
            if t.espera_maxima_min:
                maxima.append(f"turnos_espera_maxima_seconds{{{e}}} {t.espera_maxima_min * 60}.0\n")
        for cid, c in self.centros.items():
            abiertas, atendiendo = m.ventanillas.get(cid, (0, 0))
            e = f'centro="{_esc(c.slug)}"'
            lineas["turnos_ventanillas_abiertas"].append(
                f"turnos_ventanillas_abiertas{{{e}}} {abiertas}.0\n"
            )
            lineas["turnos_ventanillas_atendiendo"].append(
                f"turnos_ventanillas_atendiendo{{{e}}} {atendiendo}.0\n"
            )
        partes = []
        for familia, filas in lineas.items():
            partes.append(f"# HELP {familia} {_AYUDA_MEDIDOR[familia]}\n# TYPE {familia} gauge\n")
            partes += filas
        return "".join(partes)


_AYUDA_MEDIDOR = {
    "turnos_en_espera": "Turnos en espera ahora.",
    "turnos_espera_mas_antigua_seconds": "Espera del turno más antiguo en la cola, en segundos.",
    "turnos_espera_maxima_seconds": "Espera máxima (meta del protocolo) del trámite, en segundos.",
    "turnos_ventanillas_abiertas": "Ventanillas abiertas (libres o atendiendo).",
    "turnos_ventanillas_atendiendo": "Ventanillas con un turno llamado o en atención.",
}


def registro_proceso() -> CollectorRegistry:
    """Métricas estándar del proceso (CPU, memoria, descriptores, GC, versión de Python)."""
    r = CollectorRegistry(auto_describe=True)
    ProcessCollector(registry=r)
    PlatformCollector(registry=r)
    GCCollector(registry=r)
    return r


@dataclass
class Exportador:
    estado: EstadoMetricas
    proceso: CollectorRegistry
    eta: PrecisionEta = field(default_factory=PrecisionEta)

    def texto(self) -> bytes:
        # Lo que agregan otras capacidades por `Capacidad.metricas` (p. ej. turnos_citas_total).
        extra = [cap.metricas(self.estado.alm) for cap in descubrir() if cap.metricas is not None]
        eta = self.eta.texto(self.estado.alm, self.estado.reloj())
        return self.estado.texto() + eta + b"".join(extra) + generate_latest(self.proceso)


def exportador_de(app: Any) -> Exportador:
    """Uno por aplicación (proceso), creado al primer uso."""
    exp = getattr(app.state, "metricas_exportador", None)
    if exp is None:
        exp = Exportador(EstadoMetricas(app.state.alm, app.state.reloj), registro_proceso())
        app.state.metricas_exportador = exp
    return exp


def precalentar(app: Any) -> None:
    """En un hilo al arrancar: parte de lo guardado, lee la bitácora que falte y formatea el
    texto; el primer scrape real ya no paga eso. (La precisión de la ETA de ayer la guarda
    resumen.precalentar en `metricas_eta_dia`; el scrape solo la lee.)"""
    exportador_de(app).estado.texto()

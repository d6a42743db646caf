"""Entradas vivas del estimador de espera (`turnos.dominio.espera`), leídas de la base.

- ventanillas activas del centro, con sus trámites en su orden y si están abiertas / libres;
- los turnos en espera de los trámites que esas ventanillas atienden (la política necesita a
  todos los que podrían ir antes, no solo a los del mismo trámite);
- atención media por trámite: promedio de las últimas `MUESTRA` atenciones terminadas (de
  `inicio_ms` a `fin_ms`); sin historia, la meta del protocolo (`atencion_maxima_min`);
- llegadas de mayor prioridad en la última hora (rebasarán al turno mientras dure su ventaja).

Cinco lecturas por estimación (ventanillas vivas con la versión del catálogo, los pocos turnos
dirigidos o al frente, la fila, las medias de todos los trámites en una sola consulta con
ventana, y las llegadas); los trámites de cada ventanilla con su meta y su espera máxima, una
vez por versión del catálogo si quien llama pasa la caché del Almacén (`cache=`). Emitir la calcula DESPUÉS del COMMIT, en una lectura
aparte: no alarga el candado de escritura de SQLite. En el caso común (sin dirigidos ni citas)
la fila se ordena por grupos FIFO (`dominio/delante.py`), sin un `Candidato` por turno.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, text

from turnos.db.almacen import CacheCatalogo
from turnos.dominio.delante import CLASES_FIFO, filas_delante
from turnos.dominio.enrutamiento import Candidato, Politica, filas_de
from turnos.dominio.espera import Estimacion, VentanillaEstimada, base_de, concluir, estimar
from turnos.dominio.estados import Clase, EstadoTurno
from turnos.servicios import transferencia

MUESTRA = 20
VENTANA_LLEGADAS_MS = 3600 * 1000

# Ventanillas en dos partes: lo vivo (estado y persona, cambia con cada llamar) en cada
# estimación, con la versión del catálogo en la misma sentencia; y sus trámites con metas, que
# solo cambian con el catálogo (disparadores de `version_catalogo`: ventanilla_tramite y
# tramite), guardados por proceso en `CacheCatalogo` bajo esa versión. Con 30 ventanillas de 4
# trámites, releer y convertir las 120 filas era ~1/3 del costo de estimar.
_VENTANILLAS_VIVAS = text(
    "SELECT v.id, v.estado, v.usuario_id, (SELECT n FROM version_catalogo) AS version"
    " FROM ventanilla v WHERE v.centro_id = :c AND v.activo = true ORDER BY v.id"
)
_TRAMITES_DE_VENTANILLAS = text(
    "SELECT vt.ventanilla_id, vt.tramite_id, tr.atencion_maxima_min, tr.espera_maxima_min"
    " FROM ventanilla_tramite vt JOIN ventanilla v ON v.id = vt.ventanilla_id"
    " JOIN tramite tr ON tr.id = vt.tramite_id WHERE v.centro_id = :c AND tr.activo = true"
    " ORDER BY vt.ventanilla_id, vt.orden, tr.clave"
)
_EN_ESPERA = text(
    "SELECT t.id, t.tramite_id, t.clase, t.en_cola_ms, t.cita_ms, tr.espera_maxima_min"
    " FROM turno t JOIN tramite tr ON tr.id = t.tramite_id"
    " WHERE t.centro_id = :c AND t.estado = :espera AND t.tramite_id IN :ts"
    + transferencia.SIN_ESPECIALES.replace(" AND ", " AND t.")
).bindparams(bindparam("ts", expanding=True))
# La fila sin especiales y sin JOIN (la espera máxima viene con las ventanillas): el camino
# rápido solo necesita trámite, clase y llegada; cita_ms por si hay citas (camino completo).
_FILA = text(
    "SELECT t.id, t.tramite_id, t.clase, t.en_cola_ms, t.cita_ms FROM turno t"
    " WHERE t.centro_id = :c AND t.estado = :espera AND t.tramite_id IN :ts"
    + transferencia.SIN_ESPECIALES.replace(" AND ", " AND t.")
).bindparams(bindparam("ts", expanding=True))
_RECIENTES = text(
    "SELECT fin_ms - inicio_ms FROM turno WHERE centro_id = :c AND tramite_id = :t"
    " AND inicio_ms IS NOT NULL AND fin_ms IS NOT NULL AND fin_ms >= inicio_ms AND fin_ms <= :ms"
    " ORDER BY fin_ms DESC LIMIT :n"
)
_META = text("SELECT atencion_maxima_min FROM tramite WHERE id = :t")
# Las últimas MUESTRA atenciones de cada trámite, todas en una consulta (SQLite ≥ 3.25 y PG).
_MEDIAS = text(
    "SELECT tramite_id, sum(d) AS s, count(*) AS n FROM (SELECT tramite_id, fin_ms - inicio_ms AS d,"
    " row_number() OVER (PARTITION BY tramite_id ORDER BY fin_ms DESC) AS k FROM turno"
    " WHERE centro_id = :c AND tramite_id IN :ts AND inicio_ms IS NOT NULL"
    " AND fin_ms IS NOT NULL AND fin_ms >= inicio_ms AND fin_ms <= :ms) r WHERE k <= :n"
    " GROUP BY tramite_id"
).bindparams(bindparam("ts", expanding=True))
_LLEGADAS = text(
    "SELECT clase, count(*) AS n FROM turno WHERE centro_id = :c AND tramite_id IN :ts"
    " AND clase <> 'general' AND tramo = 1 AND en_cola_ms > :desde AND en_cola_ms <= :ms"
    " GROUP BY clase"
).bindparams(bindparam("ts", expanding=True))
_TURNO = text(
    "SELECT id, centro_id, tramite_id, clase, en_cola_ms, cita_ms, estado FROM turno WHERE id = :id"
)


def atencion_media_s(conn: Connection, centro_id: int, tramite_id: int, ms: int) -> float | None:
    duraciones = [
        int(d)
        for (d,) in conn.execute(
            _RECIENTES, {"c": centro_id, "t": tramite_id, "n": MUESTRA, "ms": ms}
        )
    ]
    if duraciones and sum(duraciones) > 0:
        return sum(duraciones) / len(duraciones) / 1000
    meta = conn.execute(_META, {"t": tramite_id}).scalar()
    return float(meta) * 60 if meta else None


_CLASE = {c.value: c for c in Clase}  # más barato que Clase(valor) en cada fila


def candidato(f: Any) -> Candidato:
    maximo = f.espera_maxima_min
    return Candidato(
        f.id,
        str(f.tramite_id),
        _CLASE[f.clase],
        f.en_cola_ms,
        (maximo or 0) * 60 or None,
        f.cita_ms,
    )


# Por ventanilla: [(trámite, meta de atención en s, espera máxima en s)] en su orden.
TramitesVentanilla = dict[int, list[tuple[int, float | None, int | None]]]


def _tramites_de_ventanillas(
    conn: Connection, centro_id: int, version: int, cache: CacheCatalogo | None
) -> TramitesVentanilla:
    filas = cache.vigente(version) if cache is not None else {}
    clave = ("tramites_de_ventanillas", centro_id)
    guardado: TramitesVentanilla | None = filas.get(clave)
    if guardado is None:
        guardado = {}
        for vid, tid, atencion, espera in conn.execute(_TRAMITES_DE_VENTANILLAS, {"c": centro_id}):
            meta = float(atencion) * 60 if atencion else None
            guardado.setdefault(vid, []).append((tid, meta, (espera or 0) * 60 or None))
        filas[clave] = guardado
    return guardado


def _ventanillas_y_metas(
    conn: Connection,
    centro_id: int,
    maximas: dict[str, int | None] | None = None,
    cache: CacheCatalogo | None = None,
) -> tuple[list[VentanillaEstimada], dict[int, float | None]]:
    """Ventanillas activas con al menos un trámite activo y la meta de atención (s) de los
    trámites que atienden; en `maximas`, la espera máxima (s) de esos trámites, como la lleva
    `Candidato`. Con `cache` (la del Almacén), los trámites de cada ventanilla se leen una vez
    por versión del catálogo."""
    vivas = conn.execute(_VENTANILLAS_VIVAS, {"c": centro_id}).all()
    if not vivas:
        return [], {}
    por_ventanilla = _tramites_de_ventanillas(conn, centro_id, int(vivas[0].version), cache)
    vents: list[VentanillaEstimada] = []
    metas: dict[int, float | None] = {}
    for vid, estado, usuario_id, _ in vivas:
        suyos = por_ventanilla.get(vid)
        if not suyos:
            continue  # sin trámites activos no atiende a nadie
        for tid, meta, maxima in suyos:
            metas[tid] = meta
            if maximas is not None:
                maximas[str(tid)] = maxima
        vents.append(
            VentanillaEstimada(
                id=vid,
                # sus trámites y las filas de lo dirigido a ella o a su persona (como `llamar`)
                tramites=filas_de([str(t) for t, _, _ in suyos], vid, usuario_id),
                abierta=estado in ("abierta", "atendiendo"),
                libre=estado == "abierta",
            )
        )
    return vents, metas


def medias_s(
    conn: Connection, centro_id: int, tramites: list[int], ms: int, metas: dict[int, float | None]
) -> dict[str, float]:
    """Atención media (s) por trámite, como `atencion_media_s` pero en una sola consulta."""
    medias: dict[str, float] = {}
    for f in conn.execute(_MEDIAS, {"c": centro_id, "ts": tramites, "ms": ms, "n": MUESTRA}):
        if f.n and f.s and int(f.s) > 0:
            medias[str(f.tramite_id)] = int(f.s) / int(f.n) / 1000
    for tid in tramites:
        if str(tid) not in medias:
            meta = metas[tid] if tid in metas else _meta(conn, tid)
            if meta:
                medias[str(tid)] = meta
    return medias


def _meta(conn: Connection, tramite_id: int) -> float | None:
    meta = conn.execute(_META, {"t": tramite_id}).scalar()
    return float(meta) * 60 if meta else None


def estimar_turno(
    conn: Connection,
    turno_id: int,
    ahora_ms: int,
    politica: Politica,
    cache: CacheCatalogo | None = None,
) -> Estimacion:
    """Personas delante y rango de espera del turno (en espera) `turno_id`, a `ahora_ms`."""
    t = conn.execute(_TURNO, {"id": turno_id}).one()
    if t.estado != EstadoTurno.EN_ESPERA.value:
        return Estimacion(0, None, None)
    return estimar_en_espera(
        conn, turno_id, t.centro_id, t.tramite_id, ahora_ms, politica, cache=cache
    )


def estimar_en_espera(
    conn: Connection,
    turno_id: int,
    centro_id: int,
    tramite_id: int,
    ahora_ms: int,
    politica: Politica,
    cache: CacheCatalogo | None = None,
) -> Estimacion:
    """Como `estimar_turno`, cuando quien llama ya sabe centro y trámite del turno (emitir).

    Si el turno ya no está en espera (lo llamaron o lo cancelaron entre el COMMIT y esta
    lectura), no hay nadie delante ni espera.

    Camino rápido (issue 13, el común): sin turnos dirigidos ni al frente en el centro y sin
    citas en la fila, la fila se lee sin JOIN como tuplas y `delante.filas_delante` la mezcla
    por grupos FIFO, sin un `Candidato` por turno ni montículos. Da la misma secuencia que
    `orden_predicho` y el mismo resultado; si no se cumple, el camino completo de siempre."""
    maximas: dict[str, int | None] = {}
    vents, metas = _ventanillas_y_metas(conn, centro_id, maximas, cache)
    # Dirigidos o al frente (transferencia.py): con la fila que les da la política.
    especiales = {f.id: f for f in conn.execute(transferencia.ESPECIALES, {"c": centro_id})}
    if especiales:
        return _completo(conn, turno_id, centro_id, tramite_id, ahora_ms, politica, vents,
                         metas, especiales)  # fmt: skip
    b = base_de(str(tramite_id), vents, {})  # solo para saber qué trámites leer
    if b is None:  # nadie lo atiende (como `estimar`), esté o no en espera
        return Estimacion(0, None, None)
    tramites = sorted({int(x) for x in b.peso if x.isdigit()} | {tramite_id})
    filas = conn.execute(
        _FILA, {"c": centro_id, "espera": EstadoTurno.EN_ESPERA.value, "ts": tramites}
    ).all()
    # Tuplas, sin acceder por nombre a cada fila (con 200 en espera, se nota).
    nombre = {t: str(t) for t in tramites}
    tuplas = [(id_, nombre[t], clase, en_cola) for id_, t, clase, en_cola, _ in filas]
    objetivo_f = next((f for f in filas if f[0] == turno_id), None)
    if objetivo_f is None:
        return Estimacion(0, None, None)
    medias = medias_s(conn, centro_id, tramites, ahora_ms, metas)
    llegadas = _llegadas(conn, centro_id, tramites, ahora_ms)
    objetivo = _candidato(objetivo_f, maximas)
    if {t[2] for t in tuplas}.difference(CLASES_FIFO):  # con citas: el camino completo
        candidatos = [_candidato(f, maximas) for f in filas]
        return estimar(objetivo, candidatos, vents, medias, ahora_ms, politica, llegadas)
    b = base_de(objetivo.tramite, vents, medias)
    assert b is not None  # mismas ventanillas que arriba
    delante = filas_delante(
        tuplas, turno_id, maximas, ahora_ms, politica, b.orden_tramites, b.paso_ms
    )
    assert delante is not None  # el objetivo está en `filas`
    return concluir(objetivo, delante, b, medias, politica, llegadas)


def _candidato(f: Any, maximas: dict[str, int | None]) -> Candidato:
    """Como `candidato`, con la espera máxima que vino con las ventanillas."""
    tramite = str(f.tramite_id)
    return Candidato(f.id, tramite, _CLASE[f.clase], f.en_cola_ms, maximas.get(tramite), f.cita_ms)


def _llegadas(
    conn: Connection, centro_id: int, tramites: list[int], ahora_ms: int
) -> dict[str, float]:
    return {
        f.clase: f.n / (VENTANA_LLEGADAS_MS / 1000)
        for f in conn.execute(
            _LLEGADAS,
            {
                "c": centro_id,
                "ts": tramites,
                "desde": ahora_ms - VENTANA_LLEGADAS_MS,
                "ms": ahora_ms,
            },
        )
    }


def _completo(
    conn: Connection,
    turno_id: int,
    centro_id: int,
    tramite_id: int,
    ahora_ms: int,
    politica: Politica,
    vents: list[VentanillaEstimada],
    metas: dict[int, float | None],
    especiales: dict[int, Any],
) -> Estimacion:
    """El camino completo (con turnos dirigidos o al frente): un `Candidato` por turno."""
    propio = (
        transferencia.candidato_especial(especiales[turno_id]).tramite
        if turno_id in especiales
        else str(tramite_id)
    )
    sirven = [v for v in vents if propio in v.tramites]
    base = [v for v in sirven if v.abierta] or sirven
    tramites = sorted({int(x) for v in base for x in v.tramites if x.isdigit()} | {tramite_id})
    filas = conn.execute(
        _EN_ESPERA, {"c": centro_id, "espera": EstadoTurno.EN_ESPERA.value, "ts": tramites}
    ).all()
    candidatos = [candidato(f) for f in filas]
    candidatos += [transferencia.candidato_especial(f) for f in especiales.values()]
    objetivo = next((c for c in candidatos if c.id == turno_id), None)
    if objetivo is None:
        return Estimacion(0, None, None)
    reales = sorted(set(tramites) | {f.tramite_id for f in especiales.values()})
    medias = medias_s(conn, centro_id, reales, ahora_ms, metas)
    por_fila: dict[str, list[float]] = {}
    for f in especiales.values():
        fila = transferencia.candidato_especial(f).tramite
        if not fila.isdigit() and str(f.tramite_id) in medias:
            por_fila.setdefault(fila, []).append(medias[str(f.tramite_id)])
    medias.update({fila: sum(ms_) / len(ms_) for fila, ms_ in por_fila.items()})
    llegadas = _llegadas(conn, centro_id, tramites, ahora_ms)
    return estimar(
        objetivo,
        candidatos,
        vents,
        medias,
        ahora_ms,
        politica,
        llegadas_por_s=llegadas,
    )


def espera_estimada(e: Estimacion) -> dict[str, int] | None:
    """La forma pública del rango (API y vistas)."""
    if e.min_s is None or e.max_s is None:
        return None
    return {"min_s": e.min_s, "max_s": e.max_s}

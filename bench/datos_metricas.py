"""Datos sintéticos para bench/bench_metricas.py: un mes de turnos con su bitácora insertado
directo en SQLite (executemany en una transacción, como una importación) y los eventos de muchos
centros para el scrape de /metrics. Lo que se mide es la lectura, no la emisión."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from turnos.db.migrar import migrar
from turnos.db.motor import crear_motor

ZONA = ZoneInfo("America/Mexico_City")
MES = date(2026, 10, 1)
_ORIGENES = ["kiosco"] * 16 + ["cita"] * 2 + ["web", "recepcion"]
_CLASES = ["general"] * 16 + ["preferente"] * 3 + ["cita"]


def dias_habiles(mes: date) -> list[date]:
    dias, d = [], mes
    while d.month == mes.month:
        if d.weekday() < 5:
            dias.append(d)
        d += timedelta(days=1)
    return dias


def _ms(d: date, segundos: float) -> int:
    inicio = datetime(d.year, d.month, d.day, 8, tzinfo=ZONA)
    return int((inicio.timestamp() + segundos) * 1000)


def crear_base(ruta: Path, centros: int, tramites: int, ventanillas: int) -> None:
    motor = crear_motor(f"sqlite:///{ruta}")
    migrar(motor)
    motor.dispose()
    con = sqlite3.connect(ruta)
    with con:
        for c in range(1, centros + 1):
            con.execute(
                "INSERT INTO centro (id, slug, nombre, zona, horario, inhabiles, tolerancia_min,"
                " mensajes, politica, pie_ticket, activo) VALUES (?, ?, ?, ?, '{}', '[]', 0,"
                " '[]', '{}', '[]', 1)",
                (c, f"c{c}", f"Centro {c}", "America/Mexico_City"),
            )
            for t in range(tramites):
                con.execute(
                    "INSERT INTO tramite (centro_id, clave, nombre, prefijo, categoria, descripcion,"
                    " requisitos, costo, plazo_respuesta, modalidad, fundamento,"
                    " unidad_responsable, nivel_digitalizacion, url_en_linea, espera_maxima_min,"
                    " atencion_maxima_min, orden, activo) VALUES (?, ?, ?, ?, '', '', '', '', '',"
                    " 'presencial', '', '', ?, '', 20, 15, ?, 1)",
                    (c, f"T{t:02d}", f"Trámite {t}", "A", t % 5, t),
                )
            for v in range(1, ventanillas + 1):
                con.execute(
                    "INSERT INTO ventanilla (centro_id, numero, nombre, estado, motivo_pausa,"
                    " activo) VALUES (?, ?, ?, 'cerrada', '', 1)",
                    (c, v, f"Ventanilla {v}"),
                )
            for v in range(1, ventanillas + 1):
                con.execute(
                    "INSERT INTO usuario (usuario, nombre, hash, rol, centro_id, activo)"
                    " VALUES (?, ?, 'x', 'ventanilla', ?, 1)",
                    (f"u{c}-{v}", f"Persona {v}", c),
                )
    con.close()


def poblar_mes(ruta: Path, turnos: int, tramites: int, ventanillas: int, semilla: int = 7) -> int:
    """Turnos del centro 1 repartidos en los días hábiles del mes (8:00 a 16:00 local), con
    ausentes, cancelados, transferidos y expirados; y abrir/pausar/cerrar de cada ventanilla."""
    rnd = random.Random(semilla)
    dias = dias_habiles(MES)
    por_dia = turnos // len(dias)
    tids = [r[0] for r in sqlite3.connect(ruta).execute("SELECT id FROM tramite WHERE centro_id=1")]
    vids = [
        r[0] for r in sqlite3.connect(ruta).execute("SELECT id FROM ventanilla WHERE centro_id=1")
    ]
    uids = [r[0] for r in sqlite3.connect(ruta).execute("SELECT id FROM usuario WHERE centro_id=1")]
    # Cada trámite lo atienden dos ventanillas fijas, cada una con su persona (como en un centro).
    atiende = {t: (i * 2 % len(vids), (i * 2 + 1) % len(vids)) for i, t in enumerate(tids)}
    filas, eventos, seq, n = [], [], 0, 0
    for d in dias:
        for i in range(por_dia):
            n += 1
            cola = _ms(d, rnd.uniform(0, 8 * 3600))
            tid = rnd.choice(tids)
            k = rnd.choice(atiende[tid])
            v, u = vids[k], uids[k]
            r = rnd.random()
            estado = (
                "atendido"
                if r < 0.85
                else "ausente"
                if r < 0.91
                else "cancelado"
                if r < 0.94
                else "transferido"
                if r < 0.98
                else "expirado"
            )
            llamado = inicio = fin = None
            if estado != "cancelado" and estado != "expirado":
                llamado = cola + int(rnd.expovariate(1 / 900) * 1000)
                inicio = llamado + rnd.randint(5_000, 90_000)
                fin = inicio + int(rnd.expovariate(1 / 480) * 1000) + 60_000
                if estado == "ausente":
                    inicio, fin = None, llamado + 180_000
            elif estado == "cancelado":
                fin = cola + rnd.randint(60_000, 1_800_000)
            else:
                fin = _ms(d, 9 * 3600)
            folio = f"A-{i:05d}"
            filas.append(
                (
                    n,
                    1,
                    None,
                    1,
                    folio,
                    d.isoformat(),
                    f"tk{n}",
                    tid,
                    rnd.choice(_CLASES),
                    rnd.choice(_ORIGENES),
                    estado,
                    cola,
                    llamado,
                    inicio,
                    fin,
                    1 if llamado else 0,
                    v if llamado else None,
                    u if llamado else None,
                )
            )
            if estado == "transferido":
                n += 1
                t2 = rnd.choice(tids)
                k2 = atiende[t2][0]
                cola2, llam2 = fin, fin + rnd.randint(60_000, 1_200_000)
                filas.append(
                    (
                        n,
                        1,
                        n - 1,
                        2,
                        folio,
                        d.isoformat(),
                        f"tk{n - 1}",
                        t2,
                        "general",
                        "kiosco",
                        "atendido",
                        cola2,
                        llam2,
                        llam2 + 30_000,
                        llam2 + 600_000,
                        1,
                        vids[k2],
                        uids[k2],
                    )
                )
        for v in vids:
            for tipo, seg in (
                ("ventanilla_abierta", 0),
                ("ventanilla_pausada", 4 * 3600),
                ("ventanilla_abierta", 4.5 * 3600),
                ("ventanilla_cerrada", 8 * 3600),
            ):
                seq += 1
                eventos.append((1, seq, _ms(d, seg), tipo, v, uids[vids.index(v)]))
    con = sqlite3.connect(ruta)
    # La columna `publico` (evento para replay) existe según la versión del esquema.
    cols = {r[1] for r in con.execute("PRAGMA table_info(evento)")}
    extra = (", publico", ",'{}'") if "publico" in cols else ("", "")
    with con:
        con.executemany(
            "INSERT INTO turno (id, centro_id, raiz_id, tramo, folio, dia, token, tramite_id,"
            " clase, origen, estado, en_cola_ms, llamado_ms, inicio_ms, fin_ms, llamadas,"
            " ventanilla_id, usuario_id, motivo, nombre, contacto) VALUES"
            " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'','','')",
            filas,
        )
        con.executemany(
            "INSERT INTO evento (centro_id, seq, ts_ms, tipo, ventanilla_id, usuario_id, datos,"
            f" hash_previo, hash{extra[0]}) VALUES (?,?,?,?,?,?,'{{}}','',''{extra[1]})",
            eventos,
        )
        con.execute(
            "INSERT OR REPLACE INTO cadena (centro_id, seq, hash) VALUES (1, ?, '')", (seq,)
        )
    con.close()
    return len(filas)


def poblar_metricas(ruta: Path, centros: int, tramites: int, por_tramite: int) -> int:
    """Un día con `por_tramite` turnos atendidos por trámite en cada centro, con sus eventos."""
    rnd = random.Random(3)
    con = sqlite3.connect(ruta)
    cols = {r[1] for r in con.execute("PRAGMA table_info(evento)")}
    extra = (", publico", ",'{}'") if "publico" in cols else ("", "")
    d = date(2026, 11, 2)
    tramites_de = {
        c: [r[0] for r in con.execute("SELECT id FROM tramite WHERE centro_id = ?", (c,))]
        for c in range(1, centros + 1)
    }
    turnos, eventos, n = [], [], 0
    for c in range(1, centros + 1):
        seq = 0
        for tid in tramites_de[c]:
            for _ in range(por_tramite):
                n += 1
                cola = _ms(d, rnd.uniform(0, 6 * 3600))
                llamado = cola + rnd.randint(30_000, 3_000_000)
                fin = llamado + rnd.randint(60_000, 1_500_000)
                turnos.append(
                    (
                        n,
                        c,
                        f"A-{n:05d}",
                        d.isoformat(),
                        f"m{n}",
                        tid,
                        rnd.choice(_ORIGENES),
                        cola,
                        llamado,
                        llamado,
                        fin,
                    )
                )
                for tipo, ts in (
                    ("turno_emitido", cola),
                    ("turno_llamado", llamado),
                    ("turno_finalizado", fin),
                ):
                    seq += 1
                    eventos.append((c, seq, ts, tipo, n))
        con.execute(
            "INSERT OR REPLACE INTO cadena (centro_id, seq, hash) VALUES (?, ?, '')", (c, seq)
        )
    with con:
        con.executemany(
            "INSERT INTO turno (id, centro_id, tramo, folio, dia, token, tramite_id, clase,"
            " origen, estado, en_cola_ms, llamado_ms, inicio_ms, fin_ms, llamadas, motivo,"
            " nombre, contacto) VALUES (?,?,1,?,?,?,?,'general',?,'atendido',?,?,?,?,1,'','','')",
            turnos,
        )
        con.executemany(
            "INSERT INTO evento (centro_id, seq, ts_ms, tipo, turno_id, datos, hash_previo, hash"
            f"{extra[0]}) VALUES (?,?,?,?,?,'{{}}','',''{extra[1]})",
            eventos,
        )
    con.close()
    return len(eventos)

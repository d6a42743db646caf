"""Estado del tablero en vivo de un centro, con valores ya preparados para mostrar.

Lo arma el servidor (en un hilo) al conectar y después de cada tanda de eventos del hub; el JS
solo pinta. Las alertas y los colores se deciden aquí; para que un contador corra sin consultar
al servidor, cada tiempo trae su `desde_ms` y su `vence_ms` (cuándo rebasa la meta).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from metricas import consultas, formato, kpis
from metricas.kpis import Acumulado
from turnos.dominio.numeracion import dia_local
from turnos.servicios import consultas as nucleo
from turnos.tiempo import a_ms

_ESPERANDO = text(
    "SELECT tramite_id, count(*) AS n, min(en_cola_ms) AS primero FROM turno"
    " WHERE centro_id = :c AND estado = 'en_espera' GROUP BY tramite_id"
)
_VENTANILLAS = text(
    "SELECT v.id, v.numero, v.nombre, v.estado, v.motivo_pausa, u.nombre AS persona,"
    " t.folio, t.estado AS turno_estado, t.llamado_ms, t.inicio_ms, tr.clave AS tramite,"
    " tr.atencion_maxima_min FROM ventanilla v LEFT JOIN usuario u ON u.id = v.usuario_id"
    " LEFT JOIN turno t ON t.ventanilla_id = v.id AND t.estado IN ('llamado', 'en_atencion')"
    " LEFT JOIN tramite tr ON tr.id = t.tramite_id WHERE v.centro_id = :c AND v.activo = true"
    " ORDER BY v.numero"
)
_ATENDIDOS_POR = text(
    "SELECT DISTINCT vt.tramite_id FROM ventanilla_tramite vt JOIN ventanilla v"
    " ON v.id = vt.ventanilla_id WHERE v.centro_id = :c AND v.activo = true"
    " AND v.estado IN ('abierta', 'atendiendo')"
)
_FALLAS_HOY = text(
    "SELECT count(*) FROM evento WHERE centro_id = :c AND tipo = 'impresion_fallida'"
    " AND seq > :desde"
)
_SEQ = text("SELECT seq FROM cadena WHERE centro_id = :c")
_ESTADO_VENTANILLA = {
    "cerrada": "Cerrada",
    "abierta": "Libre",
    "en_pausa": "En pausa",
    "atendiendo": "Atendiendo",
}
SEMANAS_USUALES = 4  # «lo usual»: promedio del mismo día de la semana en las últimas 4 semanas
CUBETA_DISTRIBUCION_MIN = 5
MIN_CUBETAS_DISTRIBUCION = 8  # la gráfica muestra al menos de 0 a 40 min
HORARIO_GRAFICA = (8, 17)  # al menos de 8:00 a 17:00 aunque aún no haya llegadas


def _llegadas_usuales(
    motor: Any, conn: Connection, cid: int, zona: str, hoy: Any
) -> dict[int, float]:
    por_hora: dict[int, int] = {}
    dias = 0
    for k in range(1, SEMANAS_USUALES + 1):
        d = consultas.dia_con_cache(motor, conn, cid, zona, hoy - timedelta(weeks=k), hoy)
        if d.total.tramos:
            dias += 1
            for h, a in d.por_hora.items():
                por_hora[h] = por_hora.get(h, 0) + a.emitidos
    return {h: n / dias for h, n in por_hora.items()} if dias else {}


def estado(alm: Any, slug: str, ahora: datetime) -> dict[str, Any]:
    """El tablero completo (JSON) de hoy."""
    ms = a_ms(ahora)
    with alm.lectura() as conn:
        c = nucleo.centro(conn, slug)
        hoy = dia_local(ahora, c.zona)
        dia = consultas.calcular_dia(conn, c.id, c.zona, hoy, hoy)
        tramites = consultas._catalogo(conn, c.id)[0]
        esperando = {f.tramite_id: (f.n, f.primero) for f in conn.execute(_ESPERANDO, {"c": c.id})}
        vents = conn.execute(_VENTANILLAS, {"c": c.id}).all()
        con_ventanilla = {f[0] for f in conn.execute(_ATENDIDOS_POR, {"c": c.id})}
        punta = conn.execute(_SEQ, {"c": c.id}).scalar() or 0
        inicio_hoy, _ = kpis.limites_dia(hoy, c.zona)
        desde = consultas.seq_antes_de(conn, c.id, inicio_hoy, punta)
        fallas = conn.execute(_FALLAS_HOY, {"c": c.id, "desde": desde}).scalar_one()
        usuales = _llegadas_usuales(alm.motor, conn, c.id, c.zona, hoy)
    alertas: list[dict[str, str]] = []
    filas_tramite = [
        _tramite(
            t,
            dia.por_tramite.get(tid, Acumulado()),
            esperando.get(tid),
            ms,
            tid in con_ventanilla,
            alertas,
        )
        for tid, t in tramites.items()
        if t.activo
    ]
    filas_ventanilla = [_ventanilla(v, ms, alertas) for v in vents]
    if fallas:
        alertas.append(
            {
                "nivel": "critico",
                "texto": f"Impresiones fallidas hoy: {fallas}. Revise la impresora.",
            }
        )
    total = kpis.resumen(dia.total)
    return {
        "tipo": "tablero",
        "seq": punta,
        "centro": {"slug": c.slug, "nombre": c.nombre},
        "generado": ahora.astimezone(_zona(c.zona)).strftime("%H:%M:%S"),
        "ahora_ms": ms,
        "resumen": {
            "esperando": formato.entero(sum(n for n, _ in esperando.values())),
            "emitidos": formato.entero(total["emitidos"]),
            "atendidos": formato.entero(total["atendidos"]),
            "ausentes": formato.entero(total["ausentes"]),
            "espera_media": formato.duracion(total["espera_media_s"]),
            "nivel_servicio": formato.porcentaje(total["nivel_servicio"]),
            "impresiones_fallidas": formato.entero(fallas),
        },
        "tramites": filas_tramite,
        "ventanillas": filas_ventanilla,
        "alertas": alertas,
        "graficas": _graficas(dia, usuales),
    }


def _zona(zona: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(zona)


def _tramite(
    t: Any,
    a: Acumulado,
    cola: tuple[int, int] | None,
    ms: int,
    hay_ventanilla: bool,
    alertas: list[dict[str, str]],
) -> dict[str, Any]:
    r = kpis.resumen(a)
    n, primero = cola or (0, None)
    meta_s = t.espera_maxima_min * 60 if t.espera_maxima_min else None
    antigua_s = (ms - primero) / 1000 if primero is not None else None
    nivel = "ok"
    if n and not hay_ventanilla:
        nivel = "critico"
        alertas.append(
            {
                "nivel": "critico",
                "texto": f"{t.nombre}: {n} en espera y ninguna ventanilla abierta lo atiende.",
            }
        )
    if meta_s is not None and antigua_s is not None and antigua_s > meta_s:
        nivel = "critico"
        alertas.append(
            {
                "nivel": "alerta",
                "texto": f"{t.nombre}: la espera más antigua ({formato.duracion(antigua_s)})"
                f" rebasa la meta de {formato.duracion(meta_s)}.",
            }
        )
    media = r["espera_media_s"]
    if nivel == "ok" and meta_s is not None and media is not None and media > meta_s:
        nivel = "alerta"
    return {
        "clave": t.clave,
        "nombre": t.nombre,
        "esperando": n,
        "espera_antigua": formato.duracion(antigua_s),
        "desde_ms": primero,
        "vence_ms": primero + meta_s * 1000 if primero is not None and meta_s else None,
        "espera_media": formato.duracion(media),
        "meta": formato.duracion(meta_s),
        "nivel_servicio": formato.porcentaje(r["nivel_servicio"]),
        "atendidos": r["atendidos"],
        "nivel": nivel,
    }


def _ventanilla(v: Any, ms: int, alertas: list[dict[str, str]]) -> dict[str, Any]:
    desde = v.inicio_ms or v.llamado_ms
    meta_s = v.atencion_maxima_min * 60 if v.atencion_maxima_min else None
    transcurrido = (ms - desde) / 1000 if desde is not None else None
    nivel = "ok"
    if meta_s is not None and transcurrido is not None and transcurrido > meta_s:
        nivel = "alerta"
        alertas.append(
            {
                "nivel": "alerta",
                "texto": f"{v.nombre}: atención de {v.folio} lleva {formato.duracion(transcurrido)}"
                f" (meta {formato.duracion(meta_s)}).",
            }
        )
    estado = _ESTADO_VENTANILLA.get(v.estado, v.estado)
    if v.estado == "en_pausa" and v.motivo_pausa:
        estado = f"En pausa: {v.motivo_pausa}"
    return {
        "numero": v.numero,
        "nombre": v.nombre,
        "estado": estado,
        "estado_clave": v.estado,
        "persona": v.persona or "—",
        "folio": v.folio or "—",
        "tramite": v.tramite or "—",
        "transcurrido": formato.duracion(transcurrido),
        "desde_ms": desde,
        "vence_ms": desde + meta_s * 1000 if desde is not None and meta_s else None,
        "meta": formato.duracion(meta_s),
        "nivel": nivel,
    }


def _graficas(dia: consultas.Dia, usuales: dict[int, float]) -> dict[str, Any]:
    horas = sorted(set(dia.por_hora) | set(usuales)) or [HORARIO_GRAFICA[0]]
    horas = list(range(min(*horas, HORARIO_GRAFICA[0]), max(*horas, HORARIO_GRAFICA[1]) + 1))
    cubeta = CUBETA_DISTRIBUCION_MIN * 60 // kpis.CUBETA_S
    distribucion: dict[int, int] = {}
    for c, n in dia.total.hist_espera.items():
        distribucion[c // cubeta] = distribucion.get(c // cubeta, 0) + n
    ultimo = max(max(distribucion, default=0), MIN_CUBETAS_DISTRIBUCION - 1)
    return {
        "llegadas": {
            "horas": horas,
            "etiquetas": [f"{h}:00" for h in horas],
            "hoy": [dia.por_hora[h].emitidos if h in dia.por_hora else 0 for h in horas],
            "usual": [round(usuales.get(h, 0.0), 1) for h in horas],
        },
        "espera": {
            "minutos": [i * CUBETA_DISTRIBUCION_MIN for i in range(ultimo + 1)],
            "etiquetas": [
                f"{i * CUBETA_DISTRIBUCION_MIN}–{(i + 1) * CUBETA_DISTRIBUCION_MIN} min"
                for i in range(ultimo + 1)
            ],
            "turnos": [distribucion.get(i, 0) for i in range(ultimo + 1)],
        },
    }

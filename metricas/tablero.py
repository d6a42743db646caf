"""Estado del tablero en vivo de un centro, con valores ya preparados para mostrar.

Lo arma el servidor (en un hilo) al conectar y después de cada tanda de eventos del hub; el JS
solo pinta. Las alertas y los colores se deciden aquí; para que un contador corra sin consultar
al servidor, cada tiempo trae su `desde_ms` y su `vence_ms` (cuándo rebasa la meta).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from metricas import consultas, eta_publica, formato, kpis, pantallas, prevision
from metricas.kpis import Acumulado
from turnos.dominio.horario import DIAS
from turnos.dominio.numeracion import dia_local
from turnos.servicios import consultas as nucleo
from turnos.servicios import voz
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
# Últimos movimientos: solo lo que le dice algo a quien dirige el centro. Los eventos internos o
# de administración (datos registrados, catálogo, dispositivos…) no se muestran.
MOVIMIENTOS = 10
_MOVIMIENTOS_TURNO = {
    "turno_emitido": "Turno {folio} emitido · {tramite}",
    "turno_llamado": "Turno {folio} llamado a {ventanilla}",
    "turno_rellamado": "Turno {folio} llamado de nuevo a {ventanilla}",
    "turno_iniciado": "Turno {folio} en atención en {ventanilla}",
    "turno_finalizado": "Turno {folio} atendido en {ventanilla}",
    "turno_ausente": "Turno {folio} no se presentó en {ventanilla}",
    "turno_reincorporado": "Turno {folio} reincorporado a la fila de {ventanilla}",
    "turno_transferido": "Turno {folio} transferido a {destino}",
    "turno_cancelado": "Turno {folio} cancelado por la persona",
    "turno_expirado": "Turno {folio} venció al cierre del día",
}
_MOVIMIENTOS_VENTANILLA = {
    "ventanilla_abierta": "{ventanilla} abierta",
    "ventanilla_pausada": "{ventanilla} en pausa",
    "ventanilla_cerrada": "{ventanilla} cerrada",
    "ventanilla_liberada": "{ventanilla} liberada por su jefe",
}
TIPOS_MOVIMIENTO = (
    *_MOVIMIENTOS_TURNO,
    *_MOVIMIENTOS_VENTANILLA,
    "cierre_dia",
    "impresion_fallida",
)
_ULTIMOS = text(
    "SELECT publico FROM evento WHERE centro_id = :c AND seq > :desde AND tipo IN ("
    + ", ".join(f"'{t}'" for t in TIPOS_MOVIMIENTO)
    + ") ORDER BY seq DESC LIMIT :n"
)
SEMANAS_USUALES = 4  # «lo usual»: promedio del mismo día de la semana en las últimas 4 semanas
CUBETA_DISTRIBUCION_MIN = 5
MIN_CUBETAS_DISTRIBUCION = 8  # la gráfica muestra al menos de 0 a 40 min
HORARIO_GRAFICA = (8, 17)  # sin horario configurado: de 8:00 a 17:00


def _hora_local(ts: str, zona: str) -> str:
    """HH:MM:SS en la zona del centro (el ts público puede venir en UTC o con su desfase)."""
    try:
        momento = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if momento.tzinfo is None:
        momento = momento.replace(tzinfo=UTC)
    return momento.astimezone(_zona(zona)).strftime("%H:%M:%S")


def movimiento(
    evento: dict[str, Any], zona: str, tramites: dict[str, str] | None = None
) -> dict[str, str] | None:
    """Un evento público como renglón en español de «Últimos movimientos», o None si no es de
    los que interesan a quien dirige el centro."""
    tipo = str(evento.get("tipo"))
    turno = evento.get("turno") or {}
    v = evento.get("ventanilla") or {}
    ventanilla = v.get("nombre") or (f"Ventanilla {v['numero']}" if "numero" in v else "ventanilla")
    tramites = tramites or {}
    if tipo in _MOVIMIENTOS_TURNO and turno.get("folio"):
        destino = str(evento.get("destino") or "")
        texto = _MOVIMIENTOS_TURNO[tipo].format(
            folio=turno["folio"],
            tramite=turno.get("tramite_nombre") or turno.get("tramite") or "",
            ventanilla=ventanilla,
            destino=tramites.get(destino, destino) or "otro trámite",
        )
    elif tipo in _MOVIMIENTOS_VENTANILLA:
        texto = _MOVIMIENTOS_VENTANILLA[tipo].format(ventanilla=ventanilla)
    elif tipo == "cierre_dia":
        texto = "Cierre del día"
    elif tipo == "impresion_fallida":
        folio = (evento.get("impresion") or {}).get("folio")
        texto = f"No se pudo imprimir el ticket {folio}" if folio else "Falló una impresión"
    else:
        return None
    nivel = "critico" if tipo == "impresion_fallida" else "info"
    return {"hora": _hora_local(str(evento.get("ts") or ""), zona), "texto": texto, "nivel": nivel}


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
        dia = consultas.calcular_dia(conn, c.id, c.zona, hoy, hoy, ms)
        tramites = consultas._catalogo(conn, c.id)[0]
        esperando = {f.tramite_id: (f.n, f.primero) for f in conn.execute(_ESPERANDO, {"c": c.id})}
        vents = conn.execute(_VENTANILLAS, {"c": c.id}).all()
        con_ventanilla = {f[0] for f in conn.execute(_ATENDIDOS_POR, {"c": c.id})}
        punta = conn.execute(_SEQ, {"c": c.id}).scalar() or 0
        inicio_hoy, _ = kpis.limites_dia(hoy, c.zona)
        desde = consultas.seq_antes_de(conn, c.id, inicio_hoy, punta)
        fallas = conn.execute(_FALLAS_HOY, {"c": c.id, "desde": desde}).scalar_one()
        recientes = [
            json.loads(f[0])
            for f in conn.execute(_ULTIMOS, {"c": c.id, "desde": desde, "n": MOVIMIENTOS})
        ]
        usuales = _llegadas_usuales(alm.motor, conn, c.id, c.zona, hoy)
        lista_pantallas = voz.pantallas(conn, c.id, ms)
        previstas = prevision.p90_prevista(conn, c.id, c.politica, ms)
    alertas: list[dict[str, str]] = []
    # Exactitud publicada del estimador de espera: el back-test de ayer (issue 13).
    precision = eta_publica.de_ayer(alm, c.slug, hoy)
    filas_tramite = [
        {
            **_tramite(
                t,
                dia.por_tramite.get(tid, Acumulado()),
                esperando.get(tid),
                ms,
                tid in con_ventanilla,
                alertas,
                previstas.get(tid),
            ),
            **_precision(precision.get(t.clave)),
        }
        for tid, t in tramites.items()
        if t.activo
    ]
    filas_ventanilla = [_ventanilla(v, ms, alertas) for v in vents]
    filas_pantalla = [pantallas.fila(p, alertas) for p in lista_pantallas]
    if fallas:
        alertas.append(
            {
                "nivel": "critico",
                "texto": f"Impresiones fallidas hoy: {fallas}. Revise la impresora.",
            }
        )
    total = kpis.resumen(dia.total)
    nombres = {t.clave: t.nombre for t in tramites.values()}
    movimientos = [m for e in recientes if (m := movimiento(e, c.zona, nombres))]
    return {
        "tipo": "tablero",
        "seq": punta,
        "centro": {"slug": c.slug, "nombre": c.nombre, "zona": c.zona},
        "tramites_nombres": nombres,
        "movimientos": movimientos,
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
        "pantallas": filas_pantalla,
        "alertas": alertas,
        "graficas": _graficas(
            dia,
            usuales,
            horas_de_servicio(c.horario, hoy),
            ahora.astimezone(_zona(c.zona)).hour,
        ),
    }


def _precision(fila: dict[str, Any] | None) -> dict[str, str]:
    if fila is None:
        return {"eta_error": "—", "eta_cobertura": "—"}
    return {
        "eta_error": formato.duracion(fila["eta_mae_min"] * 60),
        "eta_cobertura": formato.porcentaje(fila["eta_cobertura"]),
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
    prevista_s: int | None = None,
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
    if meta_s is not None and prevista_s is not None and prevista_s > meta_s:
        # Aún nadie rebasó la meta, pero el último en llegar la rebasará (P90 de su estimación).
        nivel = "critico" if nivel == "critico" else "alerta"
        alertas.append(
            {
                "nivel": "alerta",
                "texto": f"{t.nombre}: quien acaba de llegar podría esperar hasta"
                f" {formato.duracion(prevista_s)} (meta {formato.duracion(meta_s)})."
                " Abra una ventanilla más para este trámite.",
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
        "espera_prevista_p90": formato.duracion(prevista_s),
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


def horas_de_servicio(horario: dict[str, Any], dia: Any) -> tuple[int, int]:
    """(primera, última) hora local del horario de ese día; si ese día no abre, la de la semana;
    sin horario, HORARIO_GRAFICA. "24:00" cierra a medianoche: la última hora es las 23."""

    def rango(valor: Any) -> tuple[int, int] | None:
        if not valor:
            return None
        (ha, ma), (hc, mc) = (map(int, x.split(":")) for x in valor[:2])
        return ha, max(ha, hc - (1 if mc == 0 else 0))

    propio = rango(horario.get(DIAS[dia.weekday()]))
    if propio:
        return propio
    todos = [r for v in horario.values() if (r := rango(v))]
    if todos:
        return min(r[0] for r in todos), max(r[1] for r in todos)
    return HORARIO_GRAFICA[0], HORARIO_GRAFICA[1]


def _graficas(
    dia: consultas.Dia,
    usuales: dict[int, float],
    servicio: tuple[int, int] = HORARIO_GRAFICA,
    hora_actual: int | None = None,
) -> dict[str, Any]:
    """Llegadas por hora en el horario del centro (más las horas con llegadas fuera de él); las
    horas de hoy que aún no llegan van en None (no se dibujan como cero)."""
    con_datos = set(dia.por_hora) | set(usuales)
    primera = min([servicio[0], *con_datos])
    ultima = max([servicio[1], *con_datos])
    horas = list(range(primera, ultima + 1))
    cubeta = CUBETA_DISTRIBUCION_MIN * 60 // kpis.CUBETA_S
    distribucion: dict[int, int] = {}
    for c, n in dia.total.hist_espera.items():
        distribucion[c // cubeta] = distribucion.get(c // cubeta, 0) + n
    ultimo = max(max(distribucion, default=0), MIN_CUBETAS_DISTRIBUCION - 1)
    return {
        "llegadas": {
            "horas": horas,
            "etiquetas": [f"{h}:00" for h in horas],
            "hoy": [
                None
                if hora_actual is not None and h > hora_actual
                else (dia.por_hora[h].emitidos if h in dia.por_hora else 0)
                for h in horas
            ],
            "usual": [round(usuales.get(h, 0.0), 1) for h in horas],
            "eje": "Hora",
        },
        "espera": {
            "minutos": [i * CUBETA_DISTRIBUCION_MIN for i in range(ultimo + 1)],
            "etiquetas": [
                f"{i * CUBETA_DISTRIBUCION_MIN}–{(i + 1) * CUBETA_DISTRIBUCION_MIN} min"
                for i in range(ultimo + 1)
            ],
            # En el eje va solo el inicio de cada rango: «35–40 min» no cabe bajo cada barra.
            "etiquetas_eje": [str(i * CUBETA_DISTRIBUCION_MIN) for i in range(ultimo + 1)],
            "turnos": [distribucion.get(i, 0) for i in range(ultimo + 1)],
            "eje": "Minutos de espera",
        },
    }

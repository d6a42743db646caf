"""Tablas de un informe (por trámite, ventanilla, persona, hora y día de la semana), su
exportación a CSV/XLSX, la evidencia MAS y los datos abiertos.

Las filas llevan cifras crudas (segundos, proporciones 0–1) para CSV/XLSX; `formatear` las
vuelve texto es-MX para el HTML.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from metricas import formato, kpis
from metricas.consultas import Informe
from metricas.kpis import Acumulado
from turnos.servicios import celdas

NIVELES_DIGITALIZACION = {
    0: "0 · Presencial",
    1: "1 · Información en línea",
    2: "2 · Formatos descargables",
    3: "3 · Parcialmente en línea",
    4: "4 · Totalmente en línea",
}
TABLAS = ("tramites", "ventanillas", "personal", "horas", "dias")
TITULOS = {
    "tramites": "Por trámite",
    "ventanillas": "Por ventanilla",
    "personal": "Por persona del personal",
    "horas": "Por hora del día (hora local de llegada)",
    "dias": "Por día de la semana",
}

# Encabezados en pantalla (los CSV/XLSX conservan las claves, estables para quien las procese).
ENCABEZADOS = {
    "clave": "Clave",
    "tramite": "Trámite",
    "numero": "Número",
    "ventanilla": "Ventanilla",
    "usuario": "Usuario",
    "persona": "Persona",
    "hora": "Hora",
    "dia_semana": "Día de la semana",
    "dias_con_servicio": "Días con servicio",
    "emitidos_por_dia": "Emitidos por día",
    "emitidos": "Emitidos",
    "atendidos": "Atendidos",
    "ausentes": "Ausentes",
    "cancelados": "Cancelados",
    "transferidos": "Transferidos",
    "expirados": "Expirados",
    "origen_kiosco": "Origen: kiosco",
    "origen_cita": "Origen: cita",
    "origen_web": "Origen: web",
    "origen_recepcion": "Origen: recepción",
    "clase_general": "Turno general",
    "clase_preferente": "Turno preferente",
    "clase_cita": "Turno con cita",
    "llamados": "Llamados",
    "espera_media_s": "Espera media",
    "espera_p50_s": "Espera mediana",
    "espera_p90_s": "Espera p90",
    "espera_max_s": "Espera máxima",
    "traslado_media_s": "Traslado medio",
    "atencion_media_s": "Atención media",
    "atencion_p50_s": "Atención mediana",
    "atencion_p90_s": "Atención p90",
    "atencion_max_s": "Atención máxima",
    "nivel_servicio": "Nivel de servicio",
    "nivel_atencion": "Atención dentro de meta",
    "ausentismo": "Ausentismo",
    "horas_atencion": "Horas de atención",
    "horas_abierta": "Horas abierta",
    "horas_persona": "Horas-persona",
    "utilizacion": "Utilización",
    "ventanillas": "Ventanillas",
    "personas": "Personas",
    "espera_maxima_min": "Meta de espera (min)",
    "atencion_maxima_min": "Meta de atención (min)",
}


def encabezado(columna: str) -> str:
    """Título en español de una columna; una desconocida se muestra legible, sin guiones bajos."""
    return ENCABEZADOS.get(columna) or columna.replace("_", " ").capitalize()


def _r(v: float | None, nd: int = 1) -> float | None:
    return None if v is None else round(v, nd)


def _cifras(a: Acumulado, completo: bool = True) -> dict[str, Any]:
    r = kpis.resumen(a)
    fila: dict[str, Any] = {
        "emitidos": r["emitidos"],
        "atendidos": r["atendidos"],
        "ausentes": r["ausentes"],
        "cancelados": r["cancelados"],
        "transferidos": r["transferidos"],
        "expirados": r["expirados"],
    }
    if completo:
        fila.update({f"origen_{o}": n for o, n in r["por_origen"].items()})
        fila.update({f"clase_{c}": n for c, n in r["por_clase"].items()})
    fila.update(
        {
            "llamados": r["llamados"],
            "espera_media_s": _r(r["espera_media_s"]),
            "espera_p50_s": r["espera_p50_s"],
            "espera_p90_s": r["espera_p90_s"],
            "espera_max_s": _r(r["espera_max_s"]),
            "traslado_media_s": _r(r["traslado_media_s"]),
            "atencion_media_s": _r(r["atencion_media_s"]),
            "atencion_p50_s": r["atencion_p50_s"],
            "atencion_p90_s": r["atencion_p90_s"],
            "atencion_max_s": _r(r["atencion_max_s"]),
            "nivel_servicio": _r(r["nivel_servicio"], 4),
            "nivel_atencion": _r(r["nivel_atencion"], 4),
            "ausentismo": _r(r["ausentismo"], 4),
            "horas_atencion": round(a.suma_atencion_ms / 3_600_000, 3),
        }
    )
    return fila


def tabla(inf: Informe, nombre: str) -> list[dict[str, Any]]:
    return _TABLAS[nombre](inf)


def _tramites(inf: Informe) -> list[dict[str, Any]]:
    filas = []
    for tid, t in inf.tramites.items():
        a = inf.por_tramite.get(tid)
        if a is None and not t.activo:
            continue
        a = a or Acumulado()
        filas.append(
            {
                "clave": t.clave,
                "tramite": t.nombre,
                **_cifras(a),
                "ventanillas": len(a.ventanillas),
                "personas": len(a.usuarios),
                "espera_maxima_min": t.espera_maxima_min,
                "atencion_maxima_min": t.atencion_maxima_min,
            }
        )
    return filas


def _utilizacion(atencion_ms: int, abierta_ms: int) -> float | None:
    return round(atencion_ms / abierta_ms, 4) if abierta_ms else None


def _por_recurso(
    catalogo: dict[int, Any],
    acumulados: dict[int, Acumulado],
    abierto_ms: dict[int, int],
    identidad: Any,
    campo_horas: str,
) -> list[dict[str, Any]]:
    """Ventanillas o personas: cifras, horas disponibles y utilización (atención ÷ horas)."""
    filas = []
    for clave, obj in catalogo.items():
        a = acumulados.get(clave, Acumulado())
        ms = abierto_ms.get(clave, 0)
        if not a.tramos and not ms:
            continue
        filas.append(
            {
                **identidad(obj),
                **_cifras(a, completo=False),
                campo_horas: round(ms / 3_600_000, 3),
                "utilizacion": _utilizacion(a.suma_atencion_ms, ms),
            }
        )
    return filas


def _ventanillas(inf: Informe) -> list[dict[str, Any]]:
    return _por_recurso(
        inf.ventanillas,
        inf.por_ventanilla,
        inf.abierta_ms,
        lambda v: {"numero": v.numero, "ventanilla": v.nombre},
        "horas_abierta",
    )


def _personal(inf: Informe) -> list[dict[str, Any]]:
    return _por_recurso(
        inf.usuarios,
        inf.por_usuario,
        inf.persona_ms,
        lambda u: {"usuario": u.usuario, "persona": u.nombre},
        "horas_persona",
    )


def _horas(inf: Informe) -> list[dict[str, Any]]:
    return [
        {"hora": f"{h:02d}:00", **_cifras(inf.por_hora[h], completo=False)}
        for h in sorted(inf.por_hora)
    ]


def _dias(inf: Informe) -> list[dict[str, Any]]:
    filas = []
    for d in sorted(inf.por_dia_semana):
        a = inf.por_dia_semana[d]
        dias = inf.dias_con_servicio.get(d, 0)
        filas.append(
            {
                "dia_semana": kpis.DIAS_SEMANA[d],
                "dias_con_servicio": dias,
                "emitidos_por_dia": round(a.emitidos / dias, 1) if dias else None,
                **_cifras(a, completo=False),
            }
        )
    return filas


_TABLAS: dict[str, Callable[[Informe], list[dict[str, Any]]]] = {
    "tramites": _tramites,
    "ventanillas": _ventanillas,
    "personal": _personal,
    "horas": _horas,
    "dias": _dias,
}


def evidencia(inf: Informe) -> list[dict[str, Any]]:
    """Una fila por trámite: frecuencia, tiempo de respuesta, recursos y digitalización."""
    filas = []
    for tid, t in inf.tramites.items():
        a = inf.por_tramite.get(tid, Acumulado())
        if not a.tramos and not t.activo:
            continue
        r = kpis.resumen(a)
        filas.append(
            {
                "clave": t.clave,
                "tramite": t.nombre,
                "emitidos": formato.entero(r["emitidos"]),
                "atendidos": formato.entero(r["atendidos"]),
                "espera_media": formato.duracion(r["espera_media_s"]),
                "espera_p90": formato.duracion(r["espera_p90_s"]),
                "atencion_media": formato.duracion(r["atencion_media_s"]),
                "nivel_servicio": formato.porcentaje(r["nivel_servicio"]),
                "meta": formato.duracion(t.espera_maxima_min * 60) if t.espera_maxima_min else "—",
                "horas_atencion": formato.horas(a.suma_atencion_ms),
                "ventanillas": len(a.ventanillas),
                "personas": len(a.usuarios),
                "digitalizacion": NIVELES_DIGITALIZACION.get(
                    t.nivel_digitalizacion, str(t.nivel_digitalizacion)
                ),
                "modalidad": t.modalidad,
            }
        )
    return filas


# -- presentación y archivos ----------------------------------------------------------------


def formatear(fila: dict[str, Any]) -> dict[str, str]:
    """Cifras crudas a texto es-MX según el sufijo de la columna."""
    salida = {}
    for k, v in fila.items():
        if v is None:
            salida[k] = "—"
        elif k.endswith("_s"):
            salida[k] = formato.duracion(v)
        elif k in ("nivel_servicio", "nivel_atencion", "ausentismo", "utilizacion"):
            salida[k] = formato.porcentaje(v)
        elif isinstance(v, int) and not isinstance(v, bool):
            salida[k] = formato.entero(v)
        else:
            salida[k] = str(v)
    return salida


def a_csv(filas: list[dict[str, Any]], columnas: list[str] | None = None) -> str:
    return celdas.a_csv(filas, columnas or (list(filas[0]) if filas else []))


def a_xlsx(hojas: dict[str, list[dict[str, Any]]]) -> bytes:
    from openpyxl import Workbook  # solo quien exporta XLSX lo necesita

    libro = Workbook()
    if libro.active is not None:  # un libro nuevo trae una hoja vacía
        libro.remove(libro.active)
    for nombre, filas in hojas.items():
        hoja = libro.create_sheet(nombre[:31])
        if filas:
            hoja.append(list(filas[0]))
            for f in filas:
                hoja.append([celdas.celda(v) for v in f.values()])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def datos_abiertos(inf: Informe) -> list[dict[str, Any]]:
    """Agregados diarios por trámite, anónimos. Con menos de `MINIMO_TIEMPOS` atenciones en
    el día se omiten los tiempos, para que no revelen la espera de una persona."""
    filas = []
    for dia, por_tramite in sorted(inf.por_dia_tramite.items()):
        for tid, t in inf.tramites.items():
            a = por_tramite.get(tid)
            if a is None or not a.tramos:
                continue
            r = kpis.resumen(a)
            tiempos = r["llamados"] >= MINIMO_TIEMPOS
            filas.append(
                {
                    "fecha": dia,
                    "centro": inf.centro.slug,
                    "tramite_clave": t.clave,
                    "tramite_nombre": t.nombre,
                    "emitidos": r["emitidos"],
                    "atendidos": r["atendidos"],
                    "ausentes": r["ausentes"],
                    "cancelados": r["cancelados"],
                    "transferidos": r["transferidos"],
                    "expirados": r["expirados"],
                    "espera_media_min": _min(r["espera_media_s"]) if tiempos else None,
                    "espera_p50_min": _min(r["espera_p50_s"]) if tiempos else None,
                    "espera_p90_min": _min(r["espera_p90_s"]) if tiempos else None,
                    "atencion_media_min": _min(r["atencion_media_s"]) if tiempos else None,
                    "nivel_servicio": _r(r["nivel_servicio"], 4) if tiempos else None,
                    "nivel_digitalizacion": t.nivel_digitalizacion,
                }
            )
    return filas


MINIMO_TIEMPOS = 3


def _min(s: float | None) -> float | None:
    return None if s is None else round(s / 60, 2)


DICCIONARIO = [
    ("fecha", "Día de operación del centro (AAAA-MM-DD, hora local)."),
    ("centro", "Clave del centro de atención."),
    ("tramite_clave", "Clave del trámite en el catálogo del centro."),
    ("tramite_nombre", "Nombre del trámite."),
    ("emitidos", "Turnos emitidos ese día para el trámite (primer tramo)."),
    ("atendidos", "Atenciones concluidas (incluye turnos recibidos por transferencia)."),
    ("ausentes", "Turnos llamados que no se presentaron."),
    ("cancelados", "Turnos cancelados antes de ser atendidos."),
    ("transferidos", "Atenciones que pasaron a otro trámite."),
    ("expirados", "Turnos pendientes al cierre del día."),
    ("espera_media_min", "Espera promedio, en minutos, de la entrada a la cola a la llamada."),
    ("espera_p50_min", "Mediana de la espera, en minutos (resolución de 30 s)."),
    ("espera_p90_min", "Percentil 90 de la espera, en minutos (resolución de 30 s)."),
    ("atencion_media_min", "Duración promedio de la atención, en minutos."),
    ("nivel_servicio", "Proporción (0 a 1) de esperas dentro de la espera máxima del trámite."),
    ("nivel_digitalizacion", "Nivel de digitalización del trámite: 0 presencial … 4 en línea."),
]


def periodo_valido(desde: date, hasta: date, maximo_dias: int = 366) -> str | None:
    """Mensaje de error (es-MX) o None."""
    if hasta < desde:
        return "La fecha final es anterior a la inicial."
    if (hasta - desde).days >= maximo_dias:
        return f"El periodo no puede pasar de {maximo_dias} días."
    return None

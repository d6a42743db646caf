"""La encuesta de un turno: abrirla al cerrar el turno (en su transacción), responderla una vez
(tableta o teléfono) y leer la pendiente de una ventanilla.

Solo los turnos atendidos se encuestan; un turno transferido se encuesta una vez, al final (la
costura no llama al cerrar en una transferencia). La clave es secreta y de un solo uso.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from turnos.capacidades import CierreTurno
from turnos.db.almacen import Almacen, Tx
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado
from turnos.tiempo import a_ms

# Las caras de la tableta y del teléfono (palabras, no solo color).
CALIFICACIONES = {
    1: "Muy mal",
    2: "Mal",
    3: "Regular",
    4: "Bien",
    5: "Muy bien",
}
MOTIVOS = {
    "espera": "Tiempo de espera",
    "trato": "Trato",
    "informacion": "Información",
    "requisitos": "Requisitos",
    "instalaciones": "Instalaciones",
}
BAJA = 2  # hasta aquí se preguntan motivos y se ofrece «quiero que me contacten»
MAX_COMENTARIO = 500
# Tiempo que una encuesta sin responder sigue en la tableta de su ventanilla.
VIGENCIA_TABLETA_S = 15 * 60

# Todas las filas (tramos) del turno: espera total (de cada fila a su llamado) y atención total.
_TIEMPOS = text(
    "SELECT COALESCE(SUM(llamado_ms - en_cola_ms), 0) AS espera,"
    " COALESCE(SUM(fin_ms - COALESCE(inicio_ms, llamado_ms)), 0) AS atencion"
    " FROM turno WHERE (id = :r OR raiz_id = :r) AND llamado_ms IS NOT NULL"
)
_INSERTAR = text(
    "INSERT INTO encuesta (centro_id, turno_id, clave, tramite_id, ventanilla_id, usuario_id,"
    " espera_s, atencion_s, creada_ms, canal, motivos, reactivos, comentario, manifestacion)"
    " VALUES (:c, :t, :k, :tr, :v, :u, :espera, :atencion, :ms, '', '', '{}', '', '')"
)


def al_cerrar(tx: Tx, cierre: CierreTurno) -> None:
    """Gancho de la costura: abre la encuesta de un turno atendido (misma transacción)."""
    if cierre.estado != "atendido":
        return
    tiempos = tx.ejecutar(_TIEMPOS, {"r": cierre.turno_id}).one()
    tx.ejecutar(
        _INSERTAR,
        {
            "c": cierre.centro_id,
            "t": cierre.turno_id,
            "k": secrets.token_urlsafe(16),
            "tr": cierre.tramite_id,
            "v": cierre.ventanilla_id,
            "u": cierre.usuario_id,
            "espera": max(0, int(tiempos.espera)) // 1000,
            "atencion": max(0, int(tiempos.atencion)) // 1000,
            "ms": cierre.fin_ms,
        },
    )


_CLAVE_DE_TURNO = text("SELECT clave FROM encuesta WHERE turno_id = :t AND respondida_ms IS NULL")


def vista_turno(conn: Connection, turno_id: int, estado: str) -> dict[str, Any]:
    """``"encuesta"``: la clave mientras el turno atendido no la haya respondido; si no, None."""
    if estado != "atendido":
        return {"encuesta": None}
    return {"encuesta": conn.execute(_CLAVE_DE_TURNO, {"t": turno_id}).scalar()}


_PENDIENTE = text(
    "SELECT e.clave, e.respondida_ms, tr.nombre AS tramite_nombre, t.folio FROM encuesta e"
    " JOIN ventanilla v ON v.id = e.ventanilla_id JOIN centro c ON c.id = e.centro_id"
    " JOIN tramite tr ON tr.id = e.tramite_id JOIN turno t ON t.id = e.turno_id"
    " WHERE c.slug = :c AND v.numero = :n AND e.creada_ms >= :desde"
    " ORDER BY e.creada_ms DESC, e.id DESC LIMIT 1"
)


def pendiente(
    alm: Almacen, centro_slug: str, numero: int, ahora: datetime
) -> dict[str, Any] | None:
    """La encuesta más reciente de la ventanilla, si sigue sin responder y vigente: una nueva
    reemplaza a la anterior (aunque esa siga sin responder, la tableta ya no la muestra)."""
    desde = a_ms(ahora) - VIGENCIA_TABLETA_S * 1000
    with alm.lectura() as conn:
        fila = conn.execute(_PENDIENTE, {"c": centro_slug, "n": numero, "desde": desde}).first()
    if fila is None or fila.respondida_ms is not None:
        return None
    return {"clave": fila.clave, "folio": fila.folio, "tramite": fila.tramite_nombre}


def _calificacion(datos: dict[str, Any], campo: str) -> int:
    valor = datos.get(campo)
    if isinstance(valor, bool) or not isinstance(valor, int) or not 1 <= valor <= 5:
        raise EntradaInvalida(f"«{campo}» debe ser un número entero del 1 al 5.")
    return valor


def _motivos(datos: dict[str, Any]) -> list[str]:
    valor = datos.get("motivos") or []
    if not isinstance(valor, list) or not all(isinstance(m, str) for m in valor):
        raise EntradaInvalida("«motivos» debe ser una lista de textos.")
    desconocidos = [m for m in valor if m not in MOTIVOS]
    if desconocidos:
        raise EntradaInvalida(f"Motivos válidos: {', '.join(MOTIVOS)}.")
    return sorted(set(valor))


def _comentario(datos: dict[str, Any]) -> str:
    valor = datos.get("comentario") or ""
    if not isinstance(valor, str):
        raise EntradaInvalida("«comentario» debe ser texto.")
    if len(valor) > MAX_COMENTARIO:
        raise EntradaInvalida(f"El comentario admite hasta {MAX_COMENTARIO} caracteres.")
    return valor.strip()


def _reactivos(datos: dict[str, Any], permitidos: list[str]) -> dict[str, int]:
    valor = datos.get("reactivos") or {}
    if not isinstance(valor, dict):
        raise EntradaInvalida("«reactivos» debe ser un objeto {reactivo: 1..5}.")
    fuera = [k for k in valor if k not in permitidos]
    if fuera:
        raise EntradaInvalida("Ese centro no pregunta: " + ", ".join(map(str, fuera)) + ".")
    return {k: _calificacion(valor, k) for k in sorted(valor)}


_LEER = text(
    "SELECT e.id, e.centro_id, e.turno_id, e.respondida_ms, v.numero, c.slug, c.zona"
    " FROM encuesta e JOIN ventanilla v ON v.id = e.ventanilla_id"
    " JOIN centro c ON c.id = e.centro_id WHERE e.clave = :k"
)
_RESPONDER = text(
    "UPDATE encuesta SET respondida_ms = :ms, calificacion = :cal, canal = :canal,"
    " motivos = :motivos, reactivos = :reactivos, comentario = :comentario"
    " WHERE id = :id AND respondida_ms IS NULL"
)


def responder(
    alm: Almacen, clave: str, datos: dict[str, Any], ahora: datetime, canal: str
) -> dict[str, Any]:
    """Guarda la única respuesta de la encuesta ``clave``; avisa (evento público sin la clave)
    para que la tableta de esa ventanilla vuelva a reposo si respondió el teléfono."""
    from encuestas.conjuntos import reactivos_de

    calificacion = _calificacion(datos, "calificacion")
    motivos = _motivos(datos) if calificacion <= 3 else []
    comentario = _comentario(datos)
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        e = tx.ejecutar(_LEER, {"k": clave}).first()
        if e is None:
            raise NoEncontrado("No encontramos esa encuesta.", "encuesta_no_encontrada")
        if e.respondida_ms is not None:
            raise Conflicto("Esta encuesta ya se respondió. ¡Gracias!", "encuesta_respondida")
        reactivos = _reactivos(datos, reactivos_de(tx.conn, e.centro_id))
        r = tx.ejecutar(
            _RESPONDER,
            {
                "ms": ms,
                "cal": calificacion,
                "canal": canal,
                "motivos": ",".join(motivos),
                "reactivos": json.dumps(reactivos, sort_keys=True),
                "comentario": comentario,
                "id": e.id,
            },
        )
        if r.rowcount != 1:  # otra respuesta ganó la carrera
            raise Conflicto("Esta encuesta ya se respondió. ¡Gracias!", "encuesta_respondida")
        tx.evento(
            e.centro_id,
            "encuesta_respondida",
            ms,
            turno_id=e.turno_id,
            datos={"calificacion": calificacion, "canal": canal},
            publico={"ventanilla": {"numero": e.numero}},
        )
    return {
        "estado": "respondida",
        "calificacion": calificacion,
        "centro": e.slug,
        "turno_id": e.turno_id,
    }


def guardar_manifestacion(alm: Almacen, clave: str, folio: str) -> None:
    with alm.transaccion() as tx:
        tx.ejecutar(
            text("UPDATE encuesta SET manifestacion = :f WHERE clave = :k"),
            {"f": folio[:40], "k": clave},
        )

"""Avisos a las unidades responsables por bandeja de salida (outbox), como los de citas.

`avisar_unidad` escribe el correo DENTRO de la transacción que canaliza (o re-canaliza) el caso:
si el cambio no se confirma, el aviso no existe. `enviar_pendientes` los manda por SMTP
(`TURNOS_SMTP_URL`) con reintentos, reclamando cada uno con un UPDATE condicionado (la bandeja
común del núcleo, `turnos.servicios.bandeja`). El correo
nunca lleva el contacto del ciudadano; el de una denuncia tampoco lleva su texto.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import text

from buzon import reglas
from turnos.db.almacen import Almacen, Tx
from turnos.servicios import bandeja, smtp
from turnos.servicios.smtp import Smtp
from turnos.tiempo import a_ms, iso

log = logging.getLogger(__name__)
MAX_INTENTOS = 6

_DATOS = text(
    "SELECT k.folio, k.tipo, k.asunto, k.descripcion, k.vence_ms, k.centro_id, c.nombre AS centro,"
    " c.zona, u.nombre AS unidad, u.correo AS para FROM buzon_caso k"
    " JOIN centro c ON c.id = k.centro_id JOIN buzon_unidad u ON u.id = :u WHERE k.id = :k"
)
_ENCOLAR = text(
    "INSERT INTO buzon_correo (centro_id, caso_id, para, asunto, cuerpo, estado, intentos,"
    " enviar_ms, error, creado_ms) VALUES (:c, :k, :para, :asunto, :cuerpo, 'pendiente', 0, :ms,"
    " '', :ms)"
)


_MOTIVOS = {
    "canalizado": "Se le canalizó el caso",
    "agregado": "El ciudadano agregó información al caso",
    "vencido": "Recordatorio: venció el plazo del caso",
}


def avisar_unidad(
    tx: Tx, caso_id: int, unidad_id: int, ms: int, *, motivo_: str = "canalizado"
) -> None:
    f = tx.ejecutar(_DATOS, {"k": caso_id, "u": unidad_id}).first()
    if f is None or not f.para:
        return  # unidad sin correo: el caso se ve en la bandeja del personal
    motivo = _MOTIVOS[motivo_]
    texto_caso = (
        "(Denuncia: consulte el texto en la bandeja de contraloría.)"
        if f.tipo == "denuncia"
        else f.descripcion
    )
    cuerpo = "\n".join(
        [
            f"{motivo} {f.folio} ({reglas.TIPOS[f.tipo]}).",
            "",
            f"Unidad responsable: {f.unidad}",
            f"Centro: {f.centro}",
            f"Asunto: {f.asunto or 'sin asunto'}",
            f"Vence: {iso(f.vence_ms, f.zona)}",
            "",
            texto_caso,
        ]
    )
    tx.ejecutar(
        _ENCOLAR,
        {
            "c": f.centro_id,
            "k": caso_id,
            "para": f.para,
            "asunto": f"Buzón ciudadano: caso {f.folio}"[:200],
            "cuerpo": cuerpo,
            "ms": ms,
        },
    )


def leer_url(url: str) -> Smtp:
    return smtp.leer_url(url, "buzon")


def _mensaje(fila: Any, remitente: str) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = remitente, fila.para, fila.asunto
    m.set_content(fila.cuerpo)
    return m


_VENCIDOS = text(
    "SELECT id, centro_id, folio, unidad_id FROM buzon_caso WHERE vence_ms < :ms"
    " AND recordado_ms IS NULL AND unidad_id IS NOT NULL"
    f" AND estado NOT IN ({', '.join(repr(e) for e in sorted(reglas.FINALES))})"
    " AND estado <> 'respondida' ORDER BY vence_ms LIMIT 200"
)
_RECORDADO = text("UPDATE buzon_caso SET recordado_ms = :ms WHERE id = :k AND recordado_ms IS NULL")


def recordar_vencidos(alm: Almacen, ahora: datetime) -> int:
    """Un recordatorio (una sola vez) a la unidad de cada caso abierto que ya venció."""
    ms = a_ms(ahora)
    with alm.lectura() as conn:
        vencidos = conn.execute(_VENCIDOS, {"ms": ms}).all()
    n = 0
    for k in vencidos:
        with alm.transaccion() as tx:
            if tx.ejecutar(_RECORDADO, {"ms": ms, "k": k.id}).rowcount != 1:
                continue  # otro proceso ya lo recordó
            avisar_unidad(tx, k.id, k.unidad_id, ms, motivo_="vencido")
            tx.evento(k.centro_id, "buzon_recordatorio", ms, datos={"folio": k.folio})
        n += 1
    return n


def enviar_pendientes(alm: Almacen, ahora: datetime, conf: Smtp, maximo: int = 50) -> int:
    """Manda los avisos pendientes (bandeja común del núcleo); devuelve cuántos salieron."""
    return bandeja.enviar_pendientes(
        alm, ahora, conf, "buzon_correo", _mensaje, maximo=maximo, max_intentos=MAX_INTENTOS
    )

"""Un formulario de la ventanilla, una sola vez (issue 15, ítem 5): el doble pulso inofensivo.

Cada formulario que /ventanilla dibuja lleva un `intento` aleatorio. La primera vez que llega se
reclama en la tabla `idempotencia` (restricción única centro + actor + clave, la misma de la
cabecera Idempotency-Key): un reenvío del mismo intento —doble clic sin JS, reintento del
navegador— encuentra la fila y se responde «ya hecho» sin repetir la acción. La BD decide, así
que vale igual con varios workers.

El reclamo confirma en su propia transacción, antes de la acción (las acciones de `atencion`
abren la suya): si la acción falla, el intento queda gastado y la página se vuelve a dibujar con
intentos nuevos; nunca se ejecuta dos veces.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import text

from turnos.db.almacen import Almacen
from turnos.errores import EntradaInvalida
from turnos.permisos import Actor
from turnos.servicios import consultas

_FORMA = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_RECLAMAR = text(
    "INSERT INTO idempotencia (centro_id, actor, clave, huella, respuesta, creado_ms)"
    " VALUES (:c, :a, :k, :h, '{}', :ms) ON CONFLICT (centro_id, actor, clave) DO NOTHING"
    " RETURNING id"
)


def nuevo() -> str:
    return secrets.token_urlsafe(12)


def reclamar(
    alm: Almacen, centro_slug: str, quien: Actor, numero: int, intento: str, accion: str, ms: int
) -> bool:
    """True si el intento es nuevo (y queda reclamado); False si ya se había recibido."""
    if not _FORMA.match(intento):
        raise EntradaInvalida("El formulario no es válido; recargue la página e intente de nuevo.")
    clave = f"ventanilla:{numero}:{intento}"
    huella = hashlib.sha256(f"ventanilla:{accion}".encode()).hexdigest()
    with alm.transaccion() as tx:
        centro_id = consultas.centro(tx.conn, centro_slug).id
        fila = tx.ejecutar(
            _RECLAMAR,
            {"c": centro_id, "a": f"{quien.tipo}:{quien.id}", "k": clave, "h": huella, "ms": ms},
        ).first()
    return fila is not None

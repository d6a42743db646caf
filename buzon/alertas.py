"""Alerta de plazo (SLA) en el tablero: casos abiertos que ya vencieron. El fragmento
`buzon_tablero.html` llama `buzon_alerta(slug)`, que se instala en las plantillas al iniciar la
app; la cuenta sale de aquí, no de la plantilla. Sin denuncias (esas las ve contraloría)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette

from buzon import reglas
from turnos.kit import nucleo
from turnos.tiempo import a_ms

_VENCIDOS = text(
    "SELECT count(*) AS vencidos, min(k.vence_ms) AS desde FROM buzon_caso k"
    " JOIN centro c ON c.id = k.centro_id WHERE c.slug = :s AND k.tipo <> 'denuncia'"
    f" AND k.estado NOT IN ({', '.join(repr(e) for e in sorted(reglas.FINALES))})"
    " AND k.vence_ms < :ms"
)


def vencidos(alm: Any, slug: str, ms: int) -> int:
    with alm.lectura() as conn:
        return int(conn.execute(_VENCIDOS, {"s": slug, "ms": ms}).first().vencidos or 0)


def instalar(app: Starlette) -> None:
    ctx = nucleo(app)

    def alerta(slug: str) -> dict[str, Any]:
        n = vencidos(ctx.alm, slug, a_ms(ctx.ahora()))
        texto = f"{n} caso{'s' if n != 1 else ''} del buzón ciudadano fuera de plazo" if n else ""
        return {"vencidos": n, "texto": texto, "bandeja": f"/buzon/{slug}/bandeja"}

    ctx.plantillas.env.globals["buzon_alerta"] = alerta

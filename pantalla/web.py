"""Página ``/pantalla/{centro}`` y sus archivos estáticos (todo local: sin CDN).

El núcleo autentica la petición y llama a ``respuesta_pantalla``; los estáticos se montan con
``montar_estaticos()``. La plantilla no decide nada: recibe valores ya preparados.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from turnos.errores import EntradaInvalida

DIRECTORIO = Path(__file__).resolve().parent
PLANTILLAS = DIRECTORIO / "plantillas"
ESTATICOS = DIRECTORIO / "static"
URL_ESTATICOS = "/static/pantalla"

# El WebSocket es del mismo origen; nada se carga de fuera.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; media-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class OpcionesPantalla:
    """Ajustes de presentación (vienen de la configuración del centro o del dispositivo)."""

    plantilla_anuncio: str = "Turno {letra} {numero}, {ventanilla}"
    volumen: float = 1.0  # 0 a 1: campana y voz
    repeticiones: int = 1  # veces que se anuncia cada llamado
    velocidad_voz: float = 0.9
    voz_nombre: str = ""  # vacío: la primera voz de idiomas_voz
    idiomas_voz: str = "es-MX,es-419,es-US,es"  # orden de preferencia; "es" = cualquier español
    rotacion_s: int = 12  # segundos por mensaje
    zona_horaria: str = "America/Mexico_City"
    maximo_llamados: int = 8  # últimos llamados visibles (en curso y ya atendidos); ?ultimos=N
    silencio_max_s: int = 45  # sin mensajes (ni latidos) por más tiempo: reconectar


ULTIMOS_RANGO = (1, 20)


def leer_ultimos(crudo: str | None) -> int:
    """``?ultimos=N`` de la URL de la pantalla: cuántos últimos llamados mostrar (1 a 20)."""
    if crudo is None:
        return OpcionesPantalla.maximo_llamados
    minimo, maximo = ULTIMOS_RANGO
    if not crudo.strip().isdigit() or not minimo <= int(crudo) <= maximo:
        raise EntradaInvalida(f"ultimos: un número de {minimo} a {maximo}.")
    return int(crudo)


@lru_cache(maxsize=1)
def entorno() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PLANTILLAS),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def renderizar_pantalla(
    centro: dict[str, Any],
    token: str,
    tramites: str | None = None,
    opciones: OpcionesPantalla | None = None,
    url_estaticos: str = URL_ESTATICOS,
    url_ws: str | None = None,
) -> str:
    """``centro``: ``slug``, ``nombre``, ``horario_texto``, ``mensajes`` (como el snapshot)."""
    opciones = opciones or OpcionesPantalla()
    return (
        entorno()
        .get_template("pantalla.html")
        .render(
            centro={
                "slug": centro["slug"],
                "nombre": centro.get("nombre", ""),
                "horario_texto": centro.get("horario_texto", ""),
                "mensajes": list(centro.get("mensajes", [])),
            },
            token=token,
            tramites=tramites or "",
            opciones=asdict(opciones),
            url_estaticos=url_estaticos,
            url_ws=url_ws or f"/ws/pantalla/{centro['slug']}",
        )
    )


def respuesta_pantalla(*args: Any, **kwargs: Any) -> HTMLResponse:
    """Igual que ``renderizar_pantalla`` pero como respuesta HTTP con CSP y sin caché."""
    return HTMLResponse(
        renderizar_pantalla(*args, **kwargs),
        headers={
            "Content-Security-Policy": _CSP,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )


def montar_estaticos(ruta: str = URL_ESTATICOS) -> Mount:
    return Mount(ruta, app=StaticFiles(directory=ESTATICOS), name="pantalla_static")

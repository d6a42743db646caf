"""Apoyo de las pruebas del buzón: catálogo de unidades, asuntos y rutas, y cuentas."""

from __future__ import annotations

from buzon import catalogo
from tests.conftest import AHORA
from turnos.servicios import cuentas

URL = "/api/v1/centros/prueba/manifestaciones"


def con_catalogo(alm, slug: str = "prueba") -> dict[str, int]:
    u = {
        "atencion": catalogo.guardar_unidad(alm, slug, "atencion", "Atención", "atencion@x.mx"),
        "sistemas": catalogo.guardar_unidad(alm, slug, "sistemas", "Sistemas", "sistemas@x.mx"),
        "oic": catalogo.guardar_unidad(alm, slug, "oic", "Contraloría", "oic@x.mx"),
    }
    catalogo.guardar_asunto(alm, slug, "trato", "Trato del personal")
    catalogo.guardar_asunto(alm, slug, "kiosco", "Kiosco")
    catalogo.guardar_ruta(alm, slug, "", "", "atencion")
    catalogo.guardar_ruta(alm, slug, "", "kiosco", "sistemas")
    catalogo.guardar_ruta(alm, slug, "denuncia", "", "oic")
    return u


def contraloria(alm, slug: str = "prueba") -> str:
    """Token Bearer de una cuenta con el rol nuevo `contraloria` en el centro."""
    usuario = f"contra-{slug}"
    cuentas.crear_usuario(alm, usuario, "contrasena-segura", "contraloria", slug, "Contralora")
    return cuentas.crear_token_personal(alm, usuario, AHORA)

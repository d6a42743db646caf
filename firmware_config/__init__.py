"""Perfiles de dispositivos de Turnos (impresoras térmicas, kioscos, pantallas).

Los datos viven en YAML (`impresoras/`, `kioscos/`, `pantallas/`) y la regla udev en `udev/`.
Validación al arrancar: `validar_todos()`; desde la terminal: `python -m firmware_config validar`.
"""

from firmware_config.perfiles import (
    DIRECTORIO,
    Perfiles,
    PerfilImpresora,
    PerfilNavegador,
    cargar_perfil_impresora,
    cargar_perfil_impresora_de,
    cargar_perfil_kiosco,
    cargar_perfil_navegador_de,
    cargar_perfil_pantalla,
    cargar_todos,
    validar_todos,
)
from firmware_config.validacion import PerfilInvalido

__all__ = [
    "DIRECTORIO",
    "PerfilImpresora",
    "PerfilInvalido",
    "PerfilNavegador",
    "Perfiles",
    "cargar_perfil_impresora",
    "cargar_perfil_impresora_de",
    "cargar_perfil_kiosco",
    "cargar_perfil_navegador_de",
    "cargar_perfil_pantalla",
    "cargar_todos",
    "validar_todos",
]

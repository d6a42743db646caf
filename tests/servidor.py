"""Compatibilidad: el uvicorn real de las pruebas vive en `apoyo/servidor.py` (también lo usa bench/)."""

from apoyo.servidor import Servidor, esperar_salud, puerto_libre, servidor, terminar

__all__ = ["Servidor", "esperar_salud", "puerto_libre", "servidor", "terminar"]

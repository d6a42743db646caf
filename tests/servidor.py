"""Compatibilidad: el uvicorn real de las pruebas vive en `apoyo/servidor.py` (también lo usa bench/)."""

from apoyo.servidor import Servidor, puerto_libre, servidor

__all__ = ["Servidor", "puerto_libre", "servidor"]

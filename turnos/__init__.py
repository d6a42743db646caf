"""Turnos: sistema de turnos y métricas de servicio para centros de atención."""

__version__ = "0.1.0"

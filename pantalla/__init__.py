"""Pantallas de sala de espera: hub de eventos en tiempo real, websockets y anuncios.

Módulos: ``hub`` (difusión en proceso), ``ws`` (sesión websocket), ``pg_puente`` (entre
procesos con PostgreSQL), ``filtros`` (``?tramites=``), ``web`` (página ``/pantalla``) y
``banco`` (almacén en memoria y uvicorn en hilo, para pruebas y benchmark).
"""

"""Archivos de datos (pantallas); paquete solo para que setuptools los incluya."""

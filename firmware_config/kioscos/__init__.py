"""Archivos de datos (kioscos); paquete solo para que setuptools los incluya."""

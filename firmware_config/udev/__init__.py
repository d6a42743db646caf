"""Archivos de datos (udev); paquete solo para que setuptools los incluya."""

"""Archivos de datos (impresoras); paquete solo para que setuptools los incluya."""

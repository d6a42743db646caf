"""Capacidad de juguete: el ejemplo de docs/ARCHITECTURE.md."""

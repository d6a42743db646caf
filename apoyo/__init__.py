"""Apoyo compartido por tests/ y bench/: sembrar un centro, esquemas de PostgreSQL por prueba y
un uvicorn real en un puerto libre. No va en la rueda (pyproject solo empaqueta la app)."""

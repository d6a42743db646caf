"""Capa web: fábrica de la app, API JSON, páginas del personal y administración."""

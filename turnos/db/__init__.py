"""Adaptador de almacenamiento: tablas, motor (SQLite/PostgreSQL), migraciones, transacciones."""

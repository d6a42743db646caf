"""Servicios de aplicación: cada función es un comando en una transacción, o una consulta."""

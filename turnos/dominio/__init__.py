"""Dominio puro: estados, reglas y políticas. Sin base de datos, sin web, sin reloj."""

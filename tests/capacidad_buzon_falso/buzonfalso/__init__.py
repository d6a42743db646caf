"""Buzón falso: solo el servicio abrir_manifestacion."""

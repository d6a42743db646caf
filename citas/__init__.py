"""Citas en línea: agenda por trámite, reservas sin sobrecupo, .ics y registro en el kiosco."""

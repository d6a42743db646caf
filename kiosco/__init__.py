"""Kiosco: contenido del ticket, renderizado ESC/POS y adaptadores de impresora."""

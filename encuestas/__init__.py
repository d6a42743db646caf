"""Encuesta de satisfacción: tableta por ventanilla, encuesta en el teléfono y resultados."""

"""Reparto de eventos públicos (infraestructura del núcleo, junto a la bitácora que los lleva).

- `notificar`: el protocolo NOTIFY que `Almacen` ejecuta tras el COMMIT (sin psycopg).
- `hub`: difusión en proceso, por centro y en orden de `seq`; pantallas, tablero, tabletas y el
  teléfono del ciudadano se suscriben aquí.
- `puente_pg`: LISTEN en PostgreSQL hacia el hub local (solo se importa con PostgreSQL).
- `websocket`: utilidades comunes para servir eventos por websocket.
"""

"""Métricas de servicio: KPI (docs/KPIS.md), Prometheus, tablero en vivo, reportes y datos abiertos."""

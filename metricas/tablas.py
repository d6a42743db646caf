"""Resúmenes diarios persistidos: un día cerrado ya no cambia, así que su resumen se calcula una
vez y el reporte de un mes lee ~30 filas en vez de recorrer un millón de tramos."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel


class KpiDia(SQLModel, table=True):
    __tablename__ = "kpi_dia"
    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    dia: str = Field(max_length=10, primary_key=True)
    version: int  # versión del cálculo: si cambia, el resumen guardado se ignora y se recalcula
    datos: str = Field(sa_column=Column(Text, nullable=False))  # JSON de consultas.Dia


class MetricasAcumulado(SQLModel, table=True):
    """Acumulados de /metrics de un centro hasta `seq` (metricas/acumulado.py): un proceso nuevo
    parte de aquí y lee solo la bitácora posterior."""

    __tablename__ = "metricas_acumulado"
    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    version: int
    datos: str = Field(sa_column=Column(Text, nullable=False))


class MetricasEtaDia(SQLModel, table=True):
    """Precisión de la ETA (back-test) de un centro en un día, lista para /metrics
    (metricas/eta_metricas.py): la calcula el trabajo en segundo plano, el scrape solo la lee."""

    __tablename__ = "metricas_eta_dia"
    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    dia: str = Field(max_length=10, primary_key=True)
    version: int
    datos: str = Field(sa_column=Column(Text, nullable=False))  # JSON [[clave, MAE s, cobertura]]

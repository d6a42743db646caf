"""El registro: lo único que el núcleo lee de esta capacidad (entry point `turnos.capacidades`)."""

from pathlib import Path

from turnos.capacidades import Capacidad, diferido, perezosa

CAPACIDAD = Capacidad(
    nombre="juguete",
    rutas=diferido("juguete.web:RUTAS"),
    tablas="juguete.tablas",
    migraciones=Path(__file__).parent / "migraciones",
    cli=perezosa("juguete.cli:registrar"),
    permisos={"jefe": frozenset({"ver_saludos"})},
)

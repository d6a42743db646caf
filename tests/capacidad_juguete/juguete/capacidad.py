"""El registro: lo único que el núcleo lee de esta capacidad (entry point `turnos.capacidades`)."""

from pathlib import Path

from turnos.capacidades import Capacidad, Enlace, TablaReporte, diferido, perezosa

CAPACIDAD = Capacidad(
    nombre="juguete",
    rutas=diferido("juguete.web:RUTAS"),
    tablas="juguete.tablas",
    migraciones=Path(__file__).parent / "migraciones",
    plantillas=Path(__file__).parent / "plantillas",
    cli=perezosa("juguete.cli:registrar"),
    permisos={"jefe": frozenset({"ver_saludos"})},
    al_cerrar_turno=perezosa("juguete.ganchos:al_cerrar"),
    vista_turno=perezosa("juguete.ganchos:vista"),
    servicios={"saludar": perezosa("juguete.ganchos:saludar")},
    enlaces=(Enlace("admin", "Saludos de juguete", "/juguete/saludos?centro={centro}"),),
    fragmentos={"turno_publico": ("juguete_turno.html",)},
    reportes=(
        TablaReporte(
            "saludos",
            "Saludos de juguete",
            filas=perezosa("juguete.ganchos:filas"),
            evidencia=perezosa("juguete.ganchos:evidencia"),
            datos_abiertos=perezosa("juguete.ganchos:agregados"),
        ),
    ),
)

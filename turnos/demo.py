"""Centro de demostración `demo`: catálogo estilo Guanajuato, 4 ventanillas, personal y dispositivos.

Cada ejecución genera contraseñas y tokens nuevos (aleatorios) y los devuelve para imprimirlos.

Horario: el guardado es el realista (`HORARIO`, lunes a viernes de 08:30 a 15:30). Para que la
demo funcione a cualquier hora, `turnos serve --demo` lo extiende a todo el día solo para el
centro demo mientras corre (`extender_horario`) y al detenerse lo devuelve al real
(`restaurar_horario`); el texto que imprime lo dice (`AVISO_HORARIO`). Si lo matan sin dejarlo
restaurar (SIGKILL), el siguiente `turnos serve` lo repara al arrancar (`reparar_horario`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from turnos.capacidades import descubrir
from turnos.db.almacen import Almacen
from turnos.servicios import catalogo, cuentas

SLUG = "demo"
_DIAS = ("lun", "mar", "mie", "jue", "vie", "sab", "dom")
HORARIO: dict[str, list[str] | None] = {
    d: (["08:30", "15:30"] if d not in ("sab", "dom") else None) for d in _DIAS
}
TOLERANCIA_MIN = 15
_TODO_EL_DIA: dict[str, list[str] | None] = {d: ["00:00", "24:00"] for d in _DIAS}
AVISO_HORARIO = (
    "Demo: horario real de lunes a viernes de 08:30 a 15:30; fuera de él la demo abre de todos "
    "modos mientras corre `turnos serve --demo` (solo el centro demo). Al detenerla vuelve al "
    "horario real."
)

TRAMITES = [
    dict(
        clave="LIC",
        nombre="Licencia de conducir",
        prefijo="L",
        categoria="Movilidad",
        descripcion="Expedición y renovación de licencia de automovilista o chofer.",
        requisitos="Identificación oficial vigente\nCURP\nComprobante de domicilio (máx. 3 meses)\nExamen médico",
        costo="$1,050.00 (automovilista, 3 años)",
        plazo_respuesta="El mismo día",
        modalidad="Presencial",
        fundamento="Ley de Movilidad del Estado de Guanajuato",
        unidad_responsable="Dirección de Movilidad",
        nivel_digitalizacion=2,
        espera_maxima_min=30,
        atencion_maxima_min=20,
        orden=1,
    ),
    dict(
        clave="PLA",
        nombre="Placas y tarjeta de circulación",
        prefijo="P",
        categoria="Movilidad",
        descripcion="Alta, baja y reposición de placas; tarjeta de circulación.",
        requisitos="Factura del vehículo\nIdentificación oficial\nComprobante de domicilio",
        costo="Según tarifa vigente",
        plazo_respuesta="El mismo día",
        modalidad="Presencial",
        fundamento="Ley de Ingresos del Estado de Guanajuato",
        unidad_responsable="Recaudación",
        nivel_digitalizacion=1,
        espera_maxima_min=30,
        atencion_maxima_min=25,
        orden=2,
    ),
    dict(
        clave="PRE",
        nombre="Pago de impuesto predial",
        prefijo="R",
        categoria="Pagos",
        descripcion="Pago anual o atrasado del impuesto predial.",
        requisitos="Número de cuenta predial o recibo anterior",
        costo="Según avalúo",
        plazo_respuesta="Inmediato",
        modalidad="Presencial y en línea",
        fundamento="Ley de Hacienda para los Municipios del Estado de Guanajuato",
        unidad_responsable="Tesorería Municipal",
        nivel_digitalizacion=4,
        url_en_linea="https://ejemplo.gob.mx/predial",
        espera_maxima_min=15,
        atencion_maxima_min=10,
        orden=3,
    ),
    dict(
        clave="ACT",
        nombre="Acta de nacimiento (copia certificada)",
        prefijo="A",
        categoria="Registro Civil",
        descripcion="Copia certificada de acta de nacimiento.",
        requisitos="CURP o datos del registro",
        costo="$90.00",
        plazo_respuesta="Inmediato",
        modalidad="Presencial y en línea",
        fundamento="Código Civil para el Estado de Guanajuato",
        unidad_responsable="Registro Civil",
        nivel_digitalizacion=3,
        espera_maxima_min=20,
        atencion_maxima_min=10,
        orden=4,
    ),
    dict(
        clave="CUR",
        nombre="Impresión y corrección de CURP",
        prefijo="C",
        categoria="Registro Civil",
        descripcion="Consulta, impresión y solicitud de corrección de CURP.",
        requisitos="Acta de nacimiento",
        costo="Gratuito",
        plazo_respuesta="Inmediato (corrección: 5 días hábiles)",
        modalidad="Presencial",
        fundamento="Reglamento Interior de la Secretaría de Gobernación",
        unidad_responsable="Registro Civil",
        nivel_digitalizacion=3,
        espera_maxima_min=20,
        atencion_maxima_min=10,
        orden=5,
    ),
    dict(
        clave="AGU",
        nombre="Contrato de agua potable",
        prefijo="G",
        categoria="Servicios",
        descripcion="Contratación de toma de agua y drenaje.",
        requisitos="Escrituras o contrato de arrendamiento\nIdentificación oficial\nCroquis de ubicación",
        costo="$1,480.00",
        plazo_respuesta="10 días hábiles",
        modalidad="Presencial",
        fundamento="Reglamento del Sistema de Agua Potable",
        unidad_responsable="Organismo operador de agua",
        nivel_digitalizacion=1,
        espera_maxima_min=40,
        atencion_maxima_min=30,
        orden=6,
    ),
    dict(
        clave="CAT",
        nombre="Constancia catastral",
        prefijo="T",
        categoria="Pagos",
        descripcion="Constancia de no adeudo y certificado de valor catastral.",
        requisitos="Número de cuenta predial",
        costo="$215.00",
        plazo_respuesta="3 días hábiles",
        modalidad="Presencial",
        fundamento="Ley de Hacienda para los Municipios del Estado de Guanajuato",
        unidad_responsable="Catastro",
        nivel_digitalizacion=1,
        espera_maxima_min=30,
        atencion_maxima_min=15,
        orden=7,
    ),
    dict(
        clave="INF",
        nombre="Información y orientación",
        prefijo="F",
        categoria="Atención ciudadana",
        descripcion="Orientación sobre trámites, requisitos y quejas.",
        requisitos="Ninguno",
        costo="Gratuito",
        plazo_respuesta="Inmediato",
        modalidad="Presencial y telefónica",
        fundamento="Programa MAS",
        unidad_responsable="Atención ciudadana",
        nivel_digitalizacion=2,
        espera_maxima_min=10,
        atencion_maxima_min=10,
        orden=8,
    ),
]
VENTANILLAS = [
    (1, ["LIC", "PLA"]),
    (2, ["LIC", "PLA", "INF"]),
    (3, ["PRE", "CAT", "AGU"]),
    (4, ["ACT", "CUR", "INF"]),
]
PERSONAL = [
    ("admin", "admin", None, "Administración estatal"),
    ("jefa", "jefe", SLUG, "Jefa de centro"),
    ("ventanilla1", "ventanilla", SLUG, "Ventanilla 1"),
    ("ventanilla2", "ventanilla", SLUG, "Ventanilla 2"),
    ("ventanilla3", "ventanilla", SLUG, "Ventanilla 3"),
    ("ventanilla4", "ventanilla", SLUG, "Ventanilla 4"),
    ("contraloria", "contraloria", SLUG, "Contraloría (denuncias del buzón)"),
]


@dataclass
class Credenciales:
    usuarios: list[tuple[str, str, str]] = field(default_factory=list)  # (usuario, rol, contraseña)
    dispositivos: list[tuple[str, str, str]] = field(default_factory=list)  # (tipo, nombre, token)
    nuevo: bool = False


def sembrar(alm: Almacen, ahora: datetime, carpeta_tickets: Path | None = None) -> Credenciales:
    cred = Credenciales()
    with alm.lectura() as conn:
        existe = (
            conn.execute(text("SELECT 1 FROM centro WHERE slug = :s"), {"s": SLUG}).first()
            is not None
        )
    if not existe:
        cred.nuevo = True
        catalogo.crear_centro(
            alm,
            SLUG,
            "Centro MAS de demostración (Guanajuato)",
            horario=HORARIO,
            tolerancia_min=TOLERANCIA_MIN,
            mensajes=[
                "Bienvenido. Tome su turno en el kiosco.",
                "Los trámites del Programa MAS son gratuitos salvo los derechos de ley.",
                "¿Le pidieron dinero extra? Denúncielo: es corrupción.",
            ],
            pie_ticket=[
                "Horario: lunes a viernes de 8:30 a 15:30",
                "Denuncie la corrupción en el buzón ciudadano: escanee el QR.",
            ],
        )
        catalogo.importar_tramites(alm, SLUG, TRAMITES, ahora)
        for numero, claves in VENTANILLAS:
            catalogo.guardar_ventanilla(alm, SLUG, numero, f"Ventanilla {numero}", claves, ahora)
        for cap in descubrir():  # p. ej. citas: agenda para que haya horarios los próximos días
            if cap.demo is not None:
                cap.demo(alm, SLUG, ahora)
    with alm.lectura() as conn:
        existentes = {u for (u,) in conn.execute(text("SELECT usuario FROM usuario"))}
    for usuario, rol, centro, nombre in PERSONAL:
        password = secrets.token_urlsafe(9)
        if usuario in existentes:
            with alm.lectura() as conn:
                uid = conn.execute(
                    text("SELECT id FROM usuario WHERE usuario = :u"), {"u": usuario}
                ).scalar_one()
            cuentas.cambiar_usuario(alm, uid, password=password, activo=True)
        else:
            cuentas.crear_usuario(alm, usuario, password, rol, centro, nombre)
        cred.usuarios.append((usuario, rol, password))
    impresora = f"archivo://{(carpeta_tickets or Path.cwd()).resolve()}/tickets-demo.bin"
    for tipo, nombre in (
        ("kiosco", "kiosco-entrada"),
        ("pantalla", "pantalla-sala"),
        ("tableta", "tableta-v1"),
    ):
        token = _token_dispositivo(alm, tipo, nombre, ahora, impresora if tipo == "kiosco" else "")
        cred.dispositivos.append((tipo, nombre, token))
    return cred


def extender_horario(alm: Almacen, ahora: datetime) -> None:
    """Abre el centro demo a toda hora (lo llama `serve --demo` al arrancar)."""
    catalogo.actualizar_centro(alm, SLUG, {"horario": _TODO_EL_DIA, "tolerancia_min": 0}, ahora)


def restaurar_horario(alm: Almacen, ahora: datetime) -> None:
    """Devuelve el centro demo a su horario real (al detener `serve --demo`)."""
    catalogo.actualizar_centro(
        alm, SLUG, {"horario": HORARIO, "tolerancia_min": TOLERANCIA_MIN}, ahora
    )


AVISO_REPARADO = (
    "El centro demo estaba abierto a toda hora sin `turnos serve --demo` corriendo (¿se detuvo a la"
    " fuerza?): se devolvió a su horario real."
)


def reparar_horario(alm: Almacen, ahora: datetime) -> bool:
    """Un `serve --demo` muerto con SIGKILL no alcanza a restaurar: `turnos serve` sin --demo
    llama esto al arrancar. Devuelve True si el centro demo estaba abierto a toda hora y se
    devolvió a su horario real."""
    with alm.lectura() as conn:
        fila = conn.execute(text("SELECT horario FROM centro WHERE slug = :s"), {"s": SLUG}).first()
    if fila is None or json.loads(fila.horario) != _TODO_EL_DIA:
        return False
    restaurar_horario(alm, ahora)
    return True


def _token_dispositivo(
    alm: Almacen, tipo: str, nombre: str, ahora: datetime, impresora: str
) -> str:
    with alm.lectura() as conn:
        did = conn.execute(
            text(
                "SELECT d.id FROM dispositivo d JOIN centro c ON c.id = d.centro_id"
                " WHERE c.slug = :s AND d.nombre = :n"
            ),
            {"s": SLUG, "n": nombre},
        ).scalar()
    if did is None:
        return cuentas.crear_dispositivo(
            alm,
            SLUG,
            tipo,
            nombre,
            ahora,
            impresora_url=impresora,
            perfil="generico_80mm" if impresora else "",
        )[1]
    token = cuentas.nuevo_token()
    with alm.transaccion() as tx:
        tx.ejecutar(
            text(
                "INSERT INTO token (hash, dispositivo_id, descripcion, creado_ms) VALUES (:h, :d, :x, :ms)"
            ),
            {
                "h": cuentas.hash_token(token),
                "d": did,
                "x": f"{tipo} {nombre} (demo)",
                "ms": int(ahora.timestamp() * 1000),
            },
        )
    return token


def imprimir(cred: Credenciales, base: str) -> None:
    """Lo que `turnos serve --demo` y `turnos demo` muestran: direcciones, cuentas y tokens."""
    print("\nCentro de demostración «demo» listo." + (" (recién creado)" if cred.nuevo else ""))
    print(f"  Personal (ventanilla):  {base}/ventanilla")
    print(f"  Administración:         {base}/admin")
    print("\nCuentas (contraseñas nuevas en cada arranque con --demo):")
    for usuario, rol, password in cred.usuarios:
        print(f"  {usuario:<12} rol {rol:<10} contraseña {password}")
    print("\nDispositivos (abra estas direcciones en el kiosco y en la pantalla de sala):")
    for tipo, nombre, token in cred.dispositivos:
        ruta = {
            "kiosco": "/kiosco/demo",
            "pantalla": "/pantalla/demo",
            "tableta": "/encuesta/demo/1",  # la tableta de la ventanilla 1 (capacidad encuestas)
        }.get(tipo)
        if ruta:
            print(f"  {tipo:<9} {nombre:<15} {base}{ruta}?token={token}")
        else:
            print(f"  {tipo:<9} {nombre:<15} token {token}")
    print()

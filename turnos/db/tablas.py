"""Tablas (SQLModel). Cada invariante la respalda una restricción de la base de datos.

Tiempos en milisegundos epoch (UTC) en columnas `*_ms`: aritmética simple y rápida en SQL para
los KPI en SQLite y PostgreSQL por igual. Los días de operación (`dia`) son la fecha local del
centro en texto ISO.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlmodel import Field, SQLModel


def _ms(nullable: bool = True) -> Column:  # type: ignore[type-arg]
    return Column(BigInteger, nullable=nullable)


class Centro(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True)
    nombre: str = Field(max_length=200)
    zona: str = Field(default="America/Mexico_City", max_length=60)
    horario: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON
    inhabiles: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON
    tolerancia_min: int = 15
    mensajes: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON
    politica: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON
    pie_ticket: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON
    activo: bool = True
    # Salvaguardas de «no se presentó» (servicios/ausencia.py, migración 0005_ventanilla): se
    # puede marcar tras una rellamada o `ausente_tras_s` después de llamar, y deshacer durante
    # `reincorporar_s`.
    ausente_tras_s: int = Field(
        default=120, sa_column=Column(Integer, nullable=False, server_default="120")
    )
    reincorporar_s: int = Field(
        default=300, sa_column=Column(Integer, nullable=False, server_default="300")
    )


class Tramite(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("centro_id", "clave"),)
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id", index=True)
    clave: str = Field(max_length=20)
    nombre: str = Field(max_length=200)
    prefijo: str = Field(max_length=3)
    categoria: str = Field(default="", max_length=100)
    descripcion: str = Field(default="", sa_column=Column(Text, nullable=False))
    requisitos: str = Field(default="", sa_column=Column(Text, nullable=False))
    costo: str = Field(default="", max_length=200)
    plazo_respuesta: str = Field(default="", max_length=200)
    modalidad: str = Field(default="presencial", max_length=100)
    fundamento: str = Field(default="", sa_column=Column(Text, nullable=False))
    unidad_responsable: str = Field(default="", max_length=200)
    nivel_digitalizacion: int = 0  # 0 presencial … 4 totalmente en línea
    url_en_linea: str = Field(default="", max_length=500)
    espera_maxima_min: int | None = None
    atencion_maxima_min: int | None = None
    orden: int = 0
    activo: bool = True
    # Marcas de resultado de la visita (JSON [{"clave", "nombre", "resuelve"}]; servicios/resultados.py)
    marcas: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))


class Ventanilla(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("centro_id", "numero"),)
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id", index=True)
    numero: int
    nombre: str = Field(max_length=100)
    estado: str = Field(default="cerrada", max_length=20)
    motivo_pausa: str = Field(default="", max_length=200)
    usuario_id: int | None = Field(default=None, foreign_key="usuario.id")
    activo: bool = True


class VentanillaTramite(SQLModel, table=True):
    __tablename__ = "ventanilla_tramite"
    ventanilla_id: int = Field(foreign_key="ventanilla.id", primary_key=True)
    tramite_id: int = Field(foreign_key="tramite.id", primary_key=True)
    orden: int = 0


class Contador(SQLModel, table=True):
    """Consecutivo de folios por (centro, prefijo, día): se incrementa con UPDATE … RETURNING."""

    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    prefijo: str = Field(max_length=3, primary_key=True)
    dia: str = Field(max_length=10, primary_key=True)
    n: int = 0


class Espera(SQLModel, table=True):
    """Personas en espera por (centro, trámite), mantenida en la misma transacción que cambia la
    cola: contar la cola en cada emisión costaría O(cola). Una prueba la compara con count(*)."""

    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    tramite_id: int = Field(foreign_key="tramite.id", primary_key=True)
    n: int = 0


_ESPECIAL = (
    "estado = 'en_espera' AND (al_frente = true OR ventanilla_destino_id IS NOT NULL"
    " OR usuario_destino_id IS NOT NULL)"
)


class Turno(SQLModel, table=True):
    """Un tramo de un turno. Transferir cierra el tramo y abre otro con el mismo folio y token."""

    __table_args__ = (
        UniqueConstraint("centro_id", "dia", "folio", "tramo"),
        UniqueConstraint("token", "tramo"),
        Index("ix_turno_cola", "centro_id", "estado", "tramite_id", "clase", "en_cola_ms"),
        Index("ix_turno_dia", "centro_id", "dia"),
        # Los pocos turnos en espera dirigidos o al frente (servicios/transferencia.py).
        Index(
            "ix_turno_especial",
            "centro_id",
            sqlite_where=text(_ESPECIAL),
            postgresql_where=text(_ESPECIAL),
        ),
        # Una ventanilla tiene a lo más un turno llamado o en atención.
        Index(
            "ux_turno_ventanilla_activa",
            "ventanilla_id",
            unique=True,
            sqlite_where=text("estado IN ('llamado', 'en_atencion')"),
            postgresql_where=text("estado IN ('llamado', 'en_atencion')"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    raiz_id: int | None = Field(default=None, foreign_key="turno.id")  # primer tramo; None = es él
    tramo: int = 1
    folio: str = Field(max_length=12)
    dia: str = Field(max_length=10)
    token: str = Field(max_length=64, index=True)
    tramite_id: int = Field(foreign_key="tramite.id")
    clase: str = Field(max_length=12)
    origen: str = Field(max_length=12)
    estado: str = Field(max_length=12)
    en_cola_ms: int = Field(sa_column=_ms(False))
    llamado_ms: int | None = Field(default=None, sa_column=_ms())
    inicio_ms: int | None = Field(default=None, sa_column=_ms())
    fin_ms: int | None = Field(default=None, sa_column=_ms())
    cita_ms: int | None = Field(default=None, sa_column=_ms())
    llamadas: int = 0
    ventanilla_id: int | None = Field(default=None, foreign_key="ventanilla.id")
    usuario_id: int | None = Field(default=None, foreign_key="usuario.id")
    motivo: str = Field(default="", max_length=300)  # llamada fuera de orden, cancelación…
    # Registro de usuarios atendidos (MAS): solo si el protocolo lo pide; nunca en eventos.
    nombre: str = Field(default="", max_length=200)
    contacto: str = Field(default="", max_length=200)
    # Transferido (o reincorporado) a una ventanilla o a una persona: solo esa lo llama
    # (dominio/enrutamiento.py); `al_frente`: antes que todos los que esa ventanilla puede llamar.
    ventanilla_destino_id: int | None = None
    usuario_destino_id: int | None = None
    al_frente: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # Marca de resultado elegida al finalizar (clave de las marcas del trámite; "" = sin marca).
    resultado: str = Field(
        default="", sa_column=Column(String(40), nullable=False, server_default="")
    )


class Evento(SQLModel, table=True):
    """Bitácora append-only, encadenada por centro (hash del anterior)."""

    __table_args__ = (UniqueConstraint("centro_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    seq: int
    ts_ms: int = Field(sa_column=_ms(False))
    tipo: str = Field(max_length=40)
    turno_id: int | None = Field(default=None, index=True)
    ventanilla_id: int | None = None
    usuario_id: int | None = None
    dispositivo_id: int | None = None
    datos: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    # Forma pública del evento (sin datos personales) tal como se envió a pantallas: el replay
    # de un cliente que se reconecta la lee de aquí.
    publico: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    hash_previo: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Cadena(SQLModel, table=True):
    """Punta de la cadena de cada centro: su fila se bloquea al agregar un evento."""

    centro_id: int = Field(foreign_key="centro.id", primary_key=True)
    seq: int = 0
    hash: str = Field(default="0" * 64, max_length=64)


class VersionCatalogo(SQLModel, table=True):
    """Una sola fila (id 1) que sube con toda escritura a centro, tramite y ventanilla_tramite:
    la suben disparadores de la base (migración 0006_version_catalogo), así ningún escritor, ni
    SQL a mano, se la salta. Valida la caché por proceso del catálogo (db/almacen.py)."""

    __tablename__ = "version_catalogo"
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    n: int = Field(sa_column=Column(BigInteger, nullable=False))


class Usuario(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    usuario: str = Field(max_length=60, unique=True)
    nombre: str = Field(default="", max_length=200)
    hash: str = Field(max_length=200)
    rol: str = Field(max_length=20)
    centro_id: int | None = Field(default=None, foreign_key="centro.id")  # None = todos
    activo: bool = True
    debe_cambiar: bool = False  # contraseña restablecida: cambiarla al entrar


class Sesion(SQLModel, table=True):
    """Sesiones del personal guardadas en el servidor: la cookie firmada lleva un id aleatorio
    cuyo SHA-256 se guarda aquí. Revocar = marcar `revocada_ms` (cerrar sesión, desactivar la
    cuenta, cambiar la contraseña o «cerrar sesiones» desde administración)."""

    id: int | None = Field(default=None, primary_key=True)
    hash: str = Field(max_length=64, unique=True)
    usuario_id: int = Field(foreign_key="usuario.id", index=True)
    creada_ms: int = Field(sa_column=_ms(False))
    expira_ms: int = Field(sa_column=_ms(False))
    revocada_ms: int | None = Field(default=None, sa_column=_ms())


class EventoCuenta(SQLModel, table=True):
    """Bitácora de administración de cuentas, encadenada como la de los centros pero global
    (hay cuentas sin centro) y nunca enviada a pantallas. Sin contraseñas ni tokens."""

    __tablename__ = "evento_cuenta"
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    ts_ms: int = Field(sa_column=_ms(False))
    tipo: str = Field(max_length=40)
    autor_id: int | None = None  # usuario que actuó; None = CLI o el propio sistema
    usuario_id: int | None = None  # cuenta afectada
    dispositivo_id: int | None = None
    centro_id: int | None = None
    datos: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    hash_previo: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Dispositivo(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("centro_id", "nombre"),)
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    tipo: str = Field(max_length=20)  # kiosco | pantalla | tableta
    nombre: str = Field(max_length=100)
    impresora_url: str = Field(default="", max_length=300)
    perfil: str = Field(default="", max_length=60)
    activo: bool = True


class Token(SQLModel, table=True):
    """Tokens de acceso: solo se guarda su SHA-256."""

    id: int | None = Field(default=None, primary_key=True)
    hash: str = Field(max_length=64, unique=True)
    usuario_id: int | None = Field(default=None, foreign_key="usuario.id")
    dispositivo_id: int | None = Field(default=None, foreign_key="dispositivo.id")
    descripcion: str = Field(default="", max_length=200)
    creado_ms: int = Field(sa_column=_ms(False))
    revocado_ms: int | None = Field(default=None, sa_column=_ms())


class Ajuste(SQLModel, table=True):
    """Valores de la instalación (p. ej. la llave de sesión generada en el primer arranque)."""

    clave: str = Field(max_length=60, primary_key=True)
    valor: str = Field(sa_column=Column(Text, nullable=False))


class Idempotencia(SQLModel, table=True):
    """Respuesta guardada por clave `Idempotency-Key` (servicios/idempotencia.py, migración
    0004_idempotencia): la misma clave del mismo actor en el centro da la misma respuesta."""

    __table_args__ = (UniqueConstraint("centro_id", "actor", "clave"),)
    id: int | None = Field(default=None, primary_key=True)
    centro_id: int = Field(foreign_key="centro.id")
    actor: str = Field(max_length=40)  # usuario:ID | dispositivo:ID
    clave: str = Field(max_length=200)
    huella: str = Field(max_length=64)  # SHA-256 de la operación y su cuerpo
    respuesta: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    creado_ms: int = Field(sa_column=_ms(False))


# La metadata común: las tablas de cada capacidad entran al importar su módulo `tablas`
# (`turnos.capacidades.cargar_tablas()`, que usan Alembic y la prueba de migraciones).
metadata = SQLModel.metadata

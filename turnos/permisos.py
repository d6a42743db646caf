"""Quién puede hacer qué. Usuarios con rol y dispositivos con tipo, acotados a un centro.

`Permiso` son los permisos del núcleo; cada capacidad agrega los suyos a roles y tipos de
dispositivo en su registro (`Capacidad.permisos`, p. ej. pantalla agrega «ver_pantalla»).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from turnos.errores import NoAutenticado, Prohibido


class Rol(StrEnum):
    VENTANILLA = "ventanilla"
    JEFE = "jefe"
    ADMIN = "admin"
    AUDITOR = "auditor"
    CONTRALORIA = "contraloria"  # investiga denuncias (permisos: los agrega el buzón)


class TipoDispositivo(StrEnum):
    KIOSCO = "kiosco"
    PANTALLA = "pantalla"
    TABLETA = "tableta"


class Permiso(StrEnum):
    EMITIR = "emitir"
    OPERAR = "operar"  # acciones de ventanilla
    OPERAR_CUALQUIERA = "operar_cualquiera"  # sobre ventanillas que atiende otra persona
    VER_COLA = "ver_cola"
    VER_TABLERO = "ver_tablero"
    ADMINISTRAR = "administrar"  # catálogo, ventanillas, horario, dispositivos
    ADMINISTRAR_USUARIOS = "administrar_usuarios"
    CIERRE = "cierre"
    AUDITAR = "auditar"
    VER_REGISTRO = "ver_registro"  # datos personales del registro de usuarios atendidos


_P = Permiso
PERMISOS: dict[str, frozenset[str]] = {
    Rol.VENTANILLA: frozenset({_P.EMITIR, _P.OPERAR, _P.VER_COLA}),
    Rol.JEFE: frozenset(
        {
            _P.EMITIR,
            _P.OPERAR,
            _P.OPERAR_CUALQUIERA,
            _P.VER_COLA,
            _P.VER_TABLERO,
            _P.ADMINISTRAR,
            _P.CIERRE,
            _P.VER_REGISTRO,
        }
    ),
    Rol.ADMIN: frozenset(Permiso),
    Rol.AUDITOR: frozenset({_P.VER_COLA, _P.VER_TABLERO, _P.AUDITAR}),
    Rol.CONTRALORIA: frozenset(),
    TipoDispositivo.KIOSCO: frozenset({_P.EMITIR, _P.VER_COLA}),
    TipoDispositivo.PANTALLA: frozenset({_P.VER_COLA}),
    TipoDispositivo.TABLETA: frozenset(),
}


@functools.cache
def permisos_de(rol: str) -> frozenset[str]:
    """Los del núcleo más los que agregan las capacidades instaladas; admin, todos."""
    from turnos.capacidades import permisos_agregados  # descubre una vez por proceso

    agregados = permisos_agregados()
    if rol == Rol.ADMIN:
        return PERMISOS[rol].union(*agregados.values())
    return PERMISOS.get(rol, frozenset()) | agregados.get(rol, frozenset())


@dataclass(frozen=True)
class Actor:
    """Quien pide: un usuario del personal o un dispositivo desatendido."""

    tipo: str  # "usuario" | "dispositivo"
    id: int
    rol: str  # Rol o TipoDispositivo
    centro_id: int | None  # None: todos los centros (admin o auditor estatal)
    nombre: str = ""

    @property
    def usuario_id(self) -> int | None:
        return self.id if self.tipo == "usuario" else None

    @property
    def dispositivo_id(self) -> int | None:
        return self.id if self.tipo == "dispositivo" else None

    def puede(self, permiso: str, centro_id: int | None = None) -> bool:
        if permiso not in permisos_de(self.rol):
            return False
        return self.centro_id is None or centro_id is None or self.centro_id == centro_id


def exigir(actor: Actor | None, permiso: str, centro_id: int | None = None) -> Actor:
    if actor is None:
        raise NoAutenticado("Inicie sesión o envíe un token válido (Authorization: Bearer …).")
    if not actor.puede(permiso, centro_id):
        raise Prohibido("No tiene permiso para esta acción en este centro.")
    return actor

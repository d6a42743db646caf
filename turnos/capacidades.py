"""La costura: cada capacidad (kiosco, métricas, pantalla, citas…) declara en UN registro tipado
lo que agrega al núcleo, y el núcleo la descubre por entry points del grupo
``turnos.capacidades`` (pyproject.toml). El núcleo no importa ninguna capacidad por su nombre.

Lo pesado (rutas, OpenAPI, comandos) va en funciones que se llaman al armar la app o la CLI:
declarar una capacidad no importa Starlette ni su web.
"""

from __future__ import annotations

import argparse
import functools
import importlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # solo para los tipos: declarar una capacidad no carga la web
    from sqlalchemy import MetaData
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute

GRUPO = "turnos.capacidades"

# `registrar(sub, comando)`: `sub` son los subcomandos de `turnos`; `comando(nombre, funcion,
# ayuda)` agrega uno (con `--db`); `funcion(args)` devuelve el código de salida.
ComandoCli = Callable[..., argparse.ArgumentParser]
RegistroCli = Callable[[Any, ComandoCli], None]
Ciclo = Callable[["Starlette"], Awaitable[None]]


@dataclass(frozen=True)
class FragmentoOpenAPI:
    """Lo que una capacidad agrega al documento /api/v1/openapi.json."""

    rutas: Mapping[str, Any] = field(default_factory=dict)
    esquemas: Mapping[str, Any] = field(default_factory=dict)
    parametros: Mapping[str, Any] = field(default_factory=dict)
    seguridad: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Enlace:
    """Una entrada de navegación: ``ruta`` admite ``{centro}`` (el slug de la página anfitriona)."""

    lugar: str
    etiqueta: str
    ruta: str


@dataclass(frozen=True)
class TablaReporte:
    """Una tabla que una capacidad agrega a los reportes de métricas (``turnos reporte --tabla
    {nombre}``, /tablero/{centro}/reportes en HTML/CSV/XLSX). Cada función recibe
    ``(conn, centro_id, desde, hasta, zona)`` (fechas locales del centro, ambas incluidas) y
    devuelve filas (dicts con las mismas llaves). ``evidencia`` da filas para la hoja de
    evidencia MAS con llaves ``indicador``, ``valor``, ``detalle``; ``datos_abiertos`` solo
    agregados (nunca datos personales ni texto libre)."""

    nombre: str
    titulo: str
    filas: Callable[..., list[dict[str, Any]]]
    evidencia: Callable[..., list[dict[str, Any]]] | None = None
    datos_abiertos: Callable[..., list[dict[str, Any]]] | None = None


@dataclass(frozen=True)
class CierreTurno:
    """Lo que sabe la transacción que cierra un turno (sin nombre ni contacto del ciudadano)."""

    centro_id: int
    turno_id: int  # el id de la raíz: un turno transferido conserva su identidad
    tramo_id: int
    tramite_id: int
    tramite_clave: str
    ventanilla_id: int
    ventanilla_numero: int
    usuario_id: int | None
    estado: str
    clase: str
    en_cola_ms: int
    llamado_ms: int | None
    inicio_ms: int | None
    fin_ms: int
    cita_ms: int | None


@dataclass(frozen=True)
class ReaperturaTurno:
    """Un turno cerrado que vuelve a la fila en la misma transacción (hoy: reincorporar un
    ausente dentro de su ventana). Sin nombre ni contacto del ciudadano."""

    centro_id: int
    turno_id: int  # el id de la raíz, como en CierreTurno
    tramo_id: int
    tramite_clave: str
    ventanilla_id: int
    usuario_id: int | None
    estado_previo: str  # el estado final que se deshace ("ausente")
    ms: int


@dataclass(frozen=True)
class Capacidad:
    """Registro de una capacidad. Todo es opcional salvo el nombre.

    - ``rutas``: función que devuelve sus rutas Starlette (se monta tras las del núcleo).
    - ``openapi``: función que devuelve su ``FragmentoOpenAPI``.
    - ``tablas``: módulo que define sus tablas SQLModel (entran a la metadata común).
    - ``migraciones``: carpeta de versiones Alembic; su rama lleva ``branch_labels=(nombre,)`` y
      parte de una revisión del núcleo.
    - ``plantillas``: carpeta Jinja2 (se busca después de la del núcleo).
    - ``estaticos``: carpeta servida en ``/static/{nombre}``.
    - ``cli``: ``registrar(sub, comando)`` agrega sus subcomandos a ``turnos``.
    - ``permisos``: permisos que agrega a roles o tipos de dispositivo (``{"jefe": {"x"}}``);
      el rol ``admin`` recibe todos.
    - ``iniciar`` / ``detener``: corrutinas del ciclo de vida de la app (en orden de registro al
      iniciar, en orden inverso al detener).
    - ``turno_en_kiosco``: la capacidad que atiende el kiosco (credencial del kiosco, ticket
      impreso) lo ofrece a las demás sin que la importen: ``await f(request, emitir)`` resuelve
      el actor del kiosco, llama ``await emitir(actor)`` (que crea el turno en su transacción y
      devuelve lo de ``emision.emitir``) e imprime; devuelve ``{"ticket", "impresion",
      "regreso_s"}``. Se usa con ``turnos.kit.turno_en_kiosco``.
    - ``metricas``: ``f(alm) -> bytes``, texto de exposición Prometheus que la capacidad agrega
      a ``/metrics`` (lo junta quien sirve ``/metrics``; leído de la BD en cada scrape).
    - ``demo``: ``f(alm, centro_slug, ahora)`` siembra lo suyo en el centro de demostración
      (``turnos serve --demo``), después del catálogo del núcleo.
    - ``al_cerrar_turno``: ``f(tx, cierre)`` dentro de la MISMA transacción en que una ventanilla
      deja un turno en estado final (finalizado o ausente; una transferencia no lo cierra):
      p. ej. abrir su encuesta o marcar atendida su cita. Si falla, la acción entera se revierte.
    - ``al_reabrir_turno``: ``f(tx, reapertura)`` dentro de la MISMA transacción en que un turno
      que ``al_cerrar_turno`` ya avisó vuelve a la fila (reincorporar un ausente): la capacidad
      deshace lo que hizo al cerrarlo (p. ej. la cita vuelve de ``no_presentada`` a
      ``registrada``). Si falla, la acción entera se revierte.
    - ``vista_turno``: ``f(conn, turno_id, estado) -> dict`` con llaves que se
      agregan a la vista pública del turno (``GET /api/v1/turnos/{token}``, ``/t/{token}``).
    - ``servicios``: funciones que ofrece a las demás por nombre (``turnos.kit.servicio``), sin
      que la importen; p. ej. ``"abrir_manifestacion"`` del buzón que usa la encuesta.
    - ``enlaces``: entradas de navegación en páginas del núcleo u otras capacidades
      (lugares ``"admin"``, ``"tablero"``, ``"ventanilla"``).
    - ``reportes``: tablas ``TablaReporte`` que se suman a los reportes, la evidencia MAS y los
      datos abiertos de métricas.
    - ``fragmentos``: lugar -> plantillas Jinja que la página anfitriona incluye con su propio
      contexto (lugares ``"tablero"``, ``"turno_publico"``, ``"ventanilla"``).
    - ``campos_tramite``: campo -> ``f(tx, centro_id, tramite_id, valor, ms)``: campos propios de la
      capacidad en cada trámite de la importación del catálogo (p. ej. ``"agenda"`` de citas);
      corre en la MISMA transacción que la importación (todo o nada; ``EntradaInvalida`` la
      rechaza con el número del trámite).
    """

    nombre: str
    rutas: Callable[[], Sequence[BaseRoute]] | None = None
    openapi: Callable[[], FragmentoOpenAPI] | None = None
    tablas: str | None = None
    migraciones: Path | None = None
    plantillas: Path | None = None
    estaticos: Path | None = None
    cli: RegistroCli | None = None
    permisos: Mapping[str, frozenset[str]] = field(default_factory=dict)
    iniciar: Ciclo | None = None
    detener: Ciclo | None = None
    turno_en_kiosco: Callable[..., Awaitable[dict[str, Any]]] | None = None
    metricas: Callable[..., bytes] | None = None
    demo: Callable[..., None] | None = None
    al_cerrar_turno: Callable[..., None] | None = None
    al_reabrir_turno: Callable[..., None] | None = None
    vista_turno: Callable[..., Mapping[str, Any]] | None = None
    servicios: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    enlaces: Sequence[Enlace] = ()
    fragmentos: Mapping[str, Sequence[str]] = field(default_factory=dict)
    reportes: Sequence[TablaReporte] = ()
    campos_tramite: Mapping[str, Callable[..., None]] = field(default_factory=dict)


def _resolver(ruta: str) -> Any:
    modulo, _, atributo = ruta.partition(":")
    return getattr(importlib.import_module(modulo), atributo)


def diferido(ruta: str) -> Callable[[], Any]:
    """``"paquete.modulo:NOMBRE"`` como función sin argumentos que lo importa al llamarla."""
    return lambda: _resolver(ruta)


def perezosa(ruta: str) -> Callable[..., Any]:
    """``"paquete.modulo:funcion"`` que se importa en su primera llamada (declarar no carga nada)."""

    def llamar(*args: Any, **kwargs: Any) -> Any:
        return _resolver(ruta)(*args, **kwargs)

    llamar.__qualname__ = llamar.__name__ = ruta
    return llamar


class CapacidadInvalida(RuntimeError):
    """Un entry point del grupo no apunta a un registro válido (falla al arrancar, con su nombre)."""


def _validar(nombre: str, objeto: object) -> Capacidad:
    if not isinstance(objeto, Capacidad):
        raise CapacidadInvalida(
            f"El entry point «{nombre}» de {GRUPO} no es una turnos.capacidades.Capacidad."
        )
    if objeto.nombre != nombre:
        raise CapacidadInvalida(
            f"El entry point «{nombre}» declara una capacidad llamada «{objeto.nombre}»."
        )
    for carpeta in (objeto.migraciones, objeto.plantillas, objeto.estaticos):
        if carpeta is not None and not carpeta.is_dir():
            raise CapacidadInvalida(f"La capacidad «{nombre}» declara {carpeta}, que no existe.")
    return objeto


@functools.cache
def descubrir() -> tuple[Capacidad, ...]:
    """Las capacidades instaladas, en orden de nombre (estable entre procesos)."""
    halladas: dict[str, Capacidad] = {}
    for ep in sorted(entry_points(group=GRUPO), key=lambda e: e.name):
        if ep.name in halladas:  # la misma distribución vista dos veces en sys.path
            continue
        halladas[ep.name] = _validar(ep.name, ep.load())
    return tuple(halladas.values())


def cargar_tablas(capacidades: Iterable[Capacidad] | None = None) -> MetaData:
    """La metadata común con las tablas del núcleo y las de cada capacidad."""
    from turnos.db.tablas import metadata

    for cap in descubrir() if capacidades is None else capacidades:
        if cap.tablas:
            importlib.import_module(cap.tablas)
    return metadata


def permisos_agregados(capacidades: Iterable[Capacidad] | None = None) -> dict[str, frozenset[str]]:
    """Rol (o tipo de dispositivo) -> permisos que le agregan las capacidades."""
    juntos: dict[str, frozenset[str]] = {}
    for cap in descubrir() if capacidades is None else capacidades:
        for rol, permisos in cap.permisos.items():
            juntos[rol] = juntos.get(rol, frozenset()) | frozenset(permisos)
    return juntos


def al_cerrar_turno(tx: Any, cierre: CierreTurno) -> None:
    """Avisa a cada capacidad, dentro de la transacción del cierre."""
    for cap in descubrir():
        if cap.al_cerrar_turno is not None:
            cap.al_cerrar_turno(tx, cierre)


def al_reabrir_turno(tx: Any, reapertura: ReaperturaTurno) -> None:
    """Avisa a cada capacidad que un turno cerrado vuelve a la fila (misma transacción)."""
    for cap in descubrir():
        if cap.al_reabrir_turno is not None:
            cap.al_reabrir_turno(tx, reapertura)


def vista_turno(conn: Any, turno_id: int, estado: str) -> dict[str, Any]:
    """Las llaves que las capacidades agregan a la vista pública de un turno."""
    extra: dict[str, Any] = {}
    for cap in descubrir():
        if cap.vista_turno is not None:
            extra.update(cap.vista_turno(conn, turno_id, estado))
    return extra


def campos_tramite() -> dict[str, Callable[..., None]]:
    """Campos de la importación de trámites que atiende alguna capacidad (campo -> función)."""
    return {k: f for cap in descubrir() for k, f in cap.campos_tramite.items()}


def servicio(nombre: str) -> Callable[..., Any] | None:
    """La función ``nombre`` que ofrece alguna capacidad instalada, o None."""
    for cap in descubrir():
        if nombre in cap.servicios:
            return cap.servicios[nombre]
    return None


def enlaces(lugar: str, capacidades: Iterable[Capacidad] | None = None) -> list[Enlace]:
    return [
        e
        for cap in (descubrir() if capacidades is None else capacidades)
        for e in cap.enlaces
        if e.lugar == lugar
    ]


def fragmentos(lugar: str, capacidades: Iterable[Capacidad] | None = None) -> list[str]:
    return [
        f
        for cap in (descubrir() if capacidades is None else capacidades)
        for f in cap.fragmentos.get(lugar, ())
    ]


def tablas_reporte(capacidades: Iterable[Capacidad] | None = None) -> list[TablaReporte]:
    return [
        t for cap in (descubrir() if capacidades is None else capacidades) for t in cap.reportes
    ]

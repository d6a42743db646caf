"""Registro único de configuración. Cada ajuste: variable de entorno, valor por omisión y
descripción (la tabla del README se verifica contra este registro en las pruebas)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any


def _ajuste(env: str, defecto: Any, doc: str) -> Any:
    return field(default=defecto, metadata={"env": env, "doc": doc})


@dataclass(frozen=True)
class Settings:
    db: str = _ajuste(
        "TURNOS_DB",
        "sqlite:///turnos.db",
        "URL de la base de datos: `sqlite:///ruta.db` o `postgresql+psycopg://usuario@host/base`.",
    )
    host: str = _ajuste("TURNOS_HOST", "127.0.0.1", "Dirección donde escucha `turnos serve`.")
    port: int = _ajuste("TURNOS_PORT", 8000, "Puerto de `turnos serve`.")
    workers: int = _ajuste(
        "TURNOS_WORKERS", 1, "Procesos de `turnos serve` (más de 1 solo con PostgreSQL)."
    )
    secreto: str = _ajuste(
        "TURNOS_SECRETO",
        "",
        "Llave para firmar cookies de sesión. Vacío: se genera una y se guarda en la base de datos.",
    )
    cookie_segura: bool = _ajuste(
        "TURNOS_COOKIE_SEGURA",
        False,
        "Marcar las cookies como `Secure` (actívelo detrás de HTTPS; es automático si `TURNOS_URL_PUBLICA` empieza con `https://`).",
    )
    sesion_horas: int = _ajuste(
        "TURNOS_SESION_HORAS", 12, "Duración de la sesión del personal, en horas."
    )
    url_publica: str = _ajuste(
        "TURNOS_URL_PUBLICA",
        "",
        "URL base para enlaces y QR de los tickets (p. ej. `https://turnos.ejemplo.gob.mx`). Vacío: la del servidor.",
    )
    sqlite_sync: str = _ajuste(
        "TURNOS_SQLITE_SYNC",
        "FULL",
        "`PRAGMA synchronous` de SQLite: FULL (fsync en cada commit: un turno impreso sobrevive a un corte de luz) o NORMAL (algo más rápido; puede perder los últimos segundos ante un corte de luz).",
    )
    pool: int = _ajuste("TURNOS_POOL", 10, "Conexiones por proceso en el pool de la base de datos.")
    impresoras_red: str = _ajuste(
        "TURNOS_IMPRESORAS_RED",
        "",
        "Impresoras de red que jefatura puede asignar desde la web: patrones `host:puerto` separados por comas (p. ej. `192.168.1.*:9100`). Vacío: solo administración o la CLI asignan `escpos+net://`.",
    )
    impresoras_carpeta: str = _ajuste(
        "TURNOS_IMPRESORAS_CARPETA",
        "",
        "Carpeta bajo la cual jefatura puede asignar impresoras `archivo://` desde la web (se resuelven `..` y enlaces). Vacío: solo administración o la CLI.",
    )
    metricas_token: str = _ajuste(
        "TURNOS_METRICAS_TOKEN",
        "",
        "Si tiene valor, `/metrics` exige `Authorization: Bearer <valor>` (para Prometheus fuera de la LAN).",
    )
    registro_retencion_dias: int = _ajuste(
        "TURNOS_REGISTRO_RETENCION_DIAS",
        365,
        "Días que se conservan nombre y contacto del registro de usuarios atendidos; `turnos registro depurar` borra lo más antiguo.",
    )
    limites_url: str = _ajuste(
        "TURNOS_LIMITES_URL",
        "",
        "Dónde se cuentan los intentos de login y de formularios públicos. Vacío: en la memoria de cada proceso; `redis://127.0.0.1:6379/0`: compartido entre procesos.",
    )
    plazo_cabeceras_s: int = _ajuste(
        "TURNOS_PLAZO_CABECERAS_S",
        10,
        "Segundos que `turnos serve` espera las cabeceras de una petición antes de cerrar la conexión.",
    )
    smtp_url: str = _ajuste(
        "TURNOS_SMTP_URL",
        "",
        "Correo saliente (confirmaciones y recordatorios de citas): `smtp://usuario:clave@host:587?remitente=citas@ejemplo.gob.mx` (`smtps://` para TLS directo). Vacío: los mensajes se guardan y se ven en /admin/correos-citas.",
    )
    pg_conciliar_s: int = _ajuste(
        "TURNOS_PG_CONCILIAR_S",
        15,
        "Con PostgreSQL: cada cuántos segundos cada proceso compara lo último que repartió a las pantallas con la bitácora y recupera lo que un aviso perdido no trajo (un proceso que murió entre el COMMIT y su NOTIFY).",
    )
    log_nivel: str = _ajuste(
        "TURNOS_LOG", "INFO", "Nivel de la bitácora técnica (DEBUG, INFO, WARNING)."
    )

    @classmethod
    def desde_entorno(cls, entorno: dict[str, str] | None = None, **extra: Any) -> Settings:
        entorno = dict(os.environ) if entorno is None else entorno
        valores: dict[str, Any] = {}
        for f in fields(cls):
            crudo = entorno.get(f.metadata["env"])
            if crudo is None:
                continue
            if f.type in ("int", int):
                valores[f.name] = int(crudo)
            elif f.type in ("bool", bool):
                valores[f.name] = crudo.strip().lower() in ("1", "true", "si", "sí", "yes", "on")
            else:
                valores[f.name] = crudo
        return replace(cls(**valores), **{k: v for k, v in extra.items() if v is not None})


def documentacion() -> list[tuple[str, str, str]]:
    """(variable, valor por omisión, descripción) de cada ajuste."""
    return [(f.metadata["env"], str(f.default), f.metadata["doc"]) for f in fields(Settings)]


def aviso_url_publica(url: str) -> str | None:
    """Advertencia de arranque si los QR de los tickets no se podrán abrir desde un teléfono."""
    from ipaddress import ip_address
    from urllib.parse import urlsplit

    host = (urlsplit(url.strip()).hostname or "") if url.strip() else ""
    try:
        local = host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        local = False
    if host and not local:
        return None
    return (
        "Aviso: TURNOS_URL_PUBLICA "
        + ("está vacía" if not host else f"apunta a {host}")
        + ": el QR de los tickets llevará a una dirección que ningún teléfono puede abrir."
        " Defínala con la dirección del servidor en la red del centro"
        " (p. ej. http://192.168.1.20:8000 o https://turnos.ejemplo.gob.mx)."
    )

"""Catálogo del centro: datos del centro, trámites (LGMR art. 46) y ventanillas."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from turnos import capacidades
from turnos.db.almacen import GENESIS, Almacen
from turnos.dominio.enrutamiento import Politica
from turnos.dominio.estados import EstadoVentanilla
from turnos.dominio.horario import validar_horario
from turnos.errores import Conflicto, EntradaInvalida
from turnos.servicios import consultas, resultados
from turnos.servicios.campos import (
    CAMPOS_TRAMITE,
    LINEA_MENSAJE_MAX,
    NOMBRE_CENTRO_MAX,
    NOMBRE_VENTANILLA_MAX,
    SLUG,
    convertir,
    limitar,
    limpiar_tramite,
)
from turnos.tiempo import a_ms


def crear_centro(
    alm: Almacen,
    slug: str,
    nombre: str,
    *,
    zona: str = "America/Mexico_City",
    horario: dict[str, Any] | None = None,
    tolerancia_min: int = 15,
    mensajes: list[str] | None = None,
    pie_ticket: list[str] | None = None,
) -> int:
    if not SLUG.match(slug):
        raise EntradaInvalida("El identificador del centro: minúsculas, números y guiones.")
    with alm.transaccion() as tx:
        if tx.ejecutar(text("SELECT 1 FROM centro WHERE slug = :s"), {"s": slug}).first():
            raise Conflicto(f"Ya existe el centro «{slug}».")
        centro_id = tx.ejecutar(
            text(
                "INSERT INTO centro (slug, nombre, zona, horario, inhabiles, tolerancia_min,"
                " mensajes, politica, pie_ticket, activo) VALUES (:s, :n, :z, :h, '[]', :t, :m,"
                " :p, :pie, true) RETURNING id"
            ),
            {
                "s": slug,
                "n": nombre,
                "z": zona,
                "h": json.dumps(validar_horario(horario or {})),
                "t": tolerancia_min,
                "m": json.dumps(mensajes or [], ensure_ascii=False),
                "p": json.dumps(Politica().__dict__),
                "pie": json.dumps(pie_ticket or [], ensure_ascii=False),
            },
        ).scalar_one()
        tx.ejecutar(
            text("INSERT INTO cadena (centro_id, seq, hash) VALUES (:c, 0, :h)"),
            {"c": centro_id, "h": GENESIS},
        )
    return int(centro_id)


def actualizar_centro(alm: Almacen, slug: str, cambios: dict[str, Any], ahora: datetime) -> None:
    """nombre, horario, inhabiles (fechas ISO), tolerancia_min, mensajes, pie_ticket, politica."""
    valores: dict[str, Any] = {}
    if "nombre" in cambios:
        if not str(cambios["nombre"]).strip():
            raise EntradaInvalida("El centro necesita un nombre.")
        valores["nombre"] = limitar(
            str(cambios["nombre"]).strip(), "Nombre del centro", NOMBRE_CENTRO_MAX
        )
    if "horario" in cambios:
        valores["horario"] = json.dumps(validar_horario(cambios["horario"]))
    if "inhabiles" in cambios:
        fechas = [f.strip() for f in cambios["inhabiles"] if f.strip()]
        for f in fechas:
            try:
                datetime.strptime(f, "%Y-%m-%d")
            except ValueError:
                raise EntradaInvalida(f"Día inhábil «{f}»: use el formato AAAA-MM-DD.") from None
        valores["inhabiles"] = json.dumps(sorted(set(fechas)))
    if "tolerancia_min" in cambios:
        valores["tolerancia_min"] = convertir("tolerancia_min", "entero", cambios["tolerancia_min"])
    for lista in ("mensajes", "pie_ticket"):
        if lista in cambios:
            for m in cambios[lista]:
                limitar(m.strip(), "Cada línea de mensajes", LINEA_MENSAJE_MAX)
            valores[lista] = json.dumps(
                [m.strip() for m in cambios[lista] if m.strip()], ensure_ascii=False
            )
    if "politica" in cambios:
        try:
            valores["politica"] = json.dumps(Politica(**cambios["politica"]).__dict__)
        except TypeError as e:
            raise EntradaInvalida(f"Política de enrutamiento inválida: {e}.") from None
    if not valores:
        return
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, slug)
        asignaciones = ", ".join(f"{k} = :{k}" for k in valores)
        tx.ejecutar(
            text(f"UPDATE centro SET {asignaciones} WHERE id = :id"), {**valores, "id": c.id}
        )
        tx.evento(c.id, "centro_actualizado", a_ms(ahora), datos={"campos": sorted(valores)})


def guardar_tramite(alm: Almacen, centro_slug: str, datos: dict[str, Any], ahora: datetime) -> None:
    """Crea o actualiza (por clave) un trámite."""
    t = limpiar_tramite(datos)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        _upsert_tramite(tx.conn, c.id, t)
        tx.evento(c.id, "tramite_guardado", a_ms(ahora), datos={"clave": t["clave"]})


def _upsert_tramite(conn: Connection, centro_id: int, t: dict[str, Any]) -> None:
    columnas = list(CAMPOS_TRAMITE)
    otro = conn.execute(
        text(
            "SELECT clave, nombre FROM tramite WHERE centro_id = :c AND prefijo = :p"
            " AND clave <> :clave AND activo = true"
        ),
        {"c": centro_id, "p": t["prefijo"], "clave": t["clave"]},
    ).first()
    if otro is not None and t["activo"]:
        # Dos filas con la misma letra confunden a quien espera (L-006 y L-007 en filas distintas).
        raise Conflicto(
            f"El prefijo {t['prefijo']} ya lo usa el trámite «{otro.nombre}» ({otro.clave}); elija otra letra."
        )
    existe = conn.execute(
        text("SELECT id FROM tramite WHERE centro_id = :c AND clave = :clave"),
        {"c": centro_id, "clave": t["clave"]},
    ).scalar()
    if existe:
        # Sin orden, se queda donde estaba.
        asign = ", ".join(
            f"{k} = :{k}" for k in columnas if k != "clave" and (k != "orden" or t[k] is not None)
        )
        conn.execute(text(f"UPDATE tramite SET {asign} WHERE id = :id"), {**t, "id": existe})
    else:
        if t["orden"] is None:  # sin orden, al final del kiosco (no al principio)
            t = {
                **t,
                "orden": conn.execute(
                    text("SELECT COALESCE(MAX(orden), 0) + 1 FROM tramite WHERE centro_id = :c"),
                    {"c": centro_id},
                ).scalar_one(),
            }
        conn.execute(
            text(
                f"INSERT INTO tramite (centro_id, {', '.join(columnas)}) VALUES"
                f" (:centro_id, {', '.join(':' + k for k in columnas)})"
            ),
            {**t, "centro_id": centro_id},
        )


def importar_tramites(
    alm: Almacen, centro_slug: str, tramites: list[dict[str, Any]], ahora: datetime
) -> int:
    """Todo o nada: si un trámite es inválido no se importa ninguno. Los campos que declara una
    capacidad (``Capacidad.campos_tramite``, p. ej. la agenda de citas) los guarda ella en la
    misma transacción; ``marcas`` (de resultado) las guarda `resultados` igual."""
    ajenos = {**capacidades.campos_tramite(), "marcas": resultados.importar}
    limpios = []
    for i, datos in enumerate(tramites, start=1):
        try:
            propios = {k: v for k, v in datos.items() if k not in ajenos}
            extra = {k: v for k, v in datos.items() if k in ajenos}
            limpios.append((limpiar_tramite(propios), extra))
        except EntradaInvalida as e:
            raise EntradaInvalida(f"Trámite #{i}: {e.mensaje}") from None
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        for i, (t, extra) in enumerate(limpios, start=1):
            _upsert_tramite(tx.conn, c.id, t)
            if not extra:
                continue
            tid = tx.conn.execute(
                text("SELECT id FROM tramite WHERE centro_id = :c AND clave = :clave"),
                {"c": c.id, "clave": t["clave"]},
            ).scalar_one()
            for campo, valor in extra.items():
                try:
                    ajenos[campo](tx, c.id, tid, valor, a_ms(ahora))
                except EntradaInvalida as e:
                    raise EntradaInvalida(f"Trámite #{i}: {e.mensaje}") from None
        tx.evento(c.id, "catalogo_importado", a_ms(ahora), datos={"tramites": len(limpios)})
    return len(limpios)


def listar_tramites(
    conn: Connection, centro_id: int, *, solo_activos: bool = True
) -> list[dict[str, Any]]:
    cols = ", ".join(CAMPOS_TRAMITE)
    filtro = " AND activo = true" if solo_activos else ""
    filas = conn.execute(
        text(f"SELECT id, {cols} FROM tramite WHERE centro_id = :c{filtro} ORDER BY orden, nombre"),
        {"c": centro_id},
    )
    # SQLite devuelve los booleanos como 0/1: la API (y su esquema) dicen true/false.
    return [{**f._mapping, "activo": bool(f.activo)} for f in filas]


def guardar_ventanilla(
    alm: Almacen,
    centro_slug: str,
    numero: int,
    nombre: str,
    tramites: list[str],
    ahora: datetime,
    *,
    activo: bool = True,
    nueva: bool = False,
) -> None:
    """Crea o actualiza la ventanilla `numero` y los trámites que atiende (en ese orden).

    `nueva`: el formulario de alta; si el número ya existe es un error, no una edición."""
    if numero < 1:
        raise EntradaInvalida("El número de ventanilla debe ser 1 o mayor.")
    nombre = limitar(nombre.strip(), "Nombre de la ventanilla", NOMBRE_VENTANILLA_MAX)
    nombre = nombre or f"Ventanilla {numero}"
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        ids = [
            consultas.tramite(tx.conn, c.id, clave.strip().upper()).id
            for clave in tramites
            if clave.strip()
        ]
        v = tx.ejecutar(
            text("SELECT id FROM ventanilla WHERE centro_id = :c AND numero = :n"),
            {"c": c.id, "n": numero},
        ).scalar()
        if v is not None and nueva:
            raise Conflicto(
                f"Ya existe la ventanilla {numero}; edítela en su tarjeta o use otro número."
            )
        if v is None:
            v = tx.ejecutar(
                text(
                    "INSERT INTO ventanilla (centro_id, numero, nombre, estado, motivo_pausa, activo)"
                    " VALUES (:c, :n, :nombre, :e, '', :a) RETURNING id"
                ),
                {
                    "c": c.id,
                    "n": numero,
                    "nombre": nombre[:100],
                    "a": activo,
                    "e": EstadoVentanilla.CERRADA.value,
                },
            ).scalar_one()
        else:
            tx.ejecutar(
                text("UPDATE ventanilla SET nombre = :nombre, activo = :a WHERE id = :v"),
                {"nombre": nombre[:100], "a": activo, "v": v},
            )
            tx.ejecutar(text("DELETE FROM ventanilla_tramite WHERE ventanilla_id = :v"), {"v": v})
        for orden, tid in enumerate(dict.fromkeys(ids)):
            tx.ejecutar(
                text(
                    "INSERT INTO ventanilla_tramite (ventanilla_id, tramite_id, orden) VALUES (:v, :t, :o)"
                ),
                {"v": v, "t": tid, "o": orden},
            )
        tx.evento(
            c.id,
            "ventanilla_guardada",
            a_ms(ahora),
            ventanilla_id=v,
            datos={"numero": numero, "tramites": [t.strip().upper() for t in tramites]},
        )


def listar_ventanillas(conn: Connection, centro_id: int) -> list[dict[str, Any]]:
    filas = conn.execute(
        text(
            "SELECT v.id, v.numero, v.nombre, v.estado, v.motivo_pausa, v.activo, v.usuario_id,"
            " u.nombre AS usuario_nombre FROM ventanilla v LEFT JOIN usuario u ON u.id = v.usuario_id"
            " WHERE v.centro_id = :c ORDER BY v.numero"
        ),
        {"c": centro_id},
    ).all()
    tramites: dict[int, list[str]] = {}
    for vid, clave in conn.execute(
        text(
            "SELECT vt.ventanilla_id, tr.clave FROM ventanilla_tramite vt JOIN tramite tr"
            " ON tr.id = vt.tramite_id WHERE tr.centro_id = :c ORDER BY vt.orden"
        ),
        {"c": centro_id},
    ):
        tramites.setdefault(vid, []).append(clave)
    return [{**dict(f._mapping), "tramites": tramites.get(f.id, [])} for f in filas]

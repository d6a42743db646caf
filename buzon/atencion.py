"""Bandeja del personal: ver, canalizar (confirmar o cambiar la unidad, con historia de → a,
quién y por qué), cambiar de estado (guardado por la BD: `UPDATE … WHERE estado = :de`),
responder y anotar. Las denuncias las ven solo quienes tienen «buzon_denuncias» (contraloría);
el resto de los casos, quienes tienen «buzon_atender» (jefe). Cada cambio, un evento.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from buzon import correo, reglas
from buzon.casos import movimiento
from turnos.db.almacen import Almacen
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado, Prohibido
from turnos.permisos import Actor
from turnos.servicios import consultas
from turnos.tiempo import a_ms, iso

ATENDER = "buzon_atender"
DENUNCIAS = "buzon_denuncias"
CAPTURAR = "buzon_capturar"


def tipos_visibles(quien: Actor, centro_id: int) -> list[str]:
    """Los tipos de caso que esta persona ve en este centro (nunca denuncias sin permiso)."""
    tipos = [t for t in reglas.TIPOS if t != "denuncia"] if quien.puede(ATENDER, centro_id) else []
    if quien.puede(DENUNCIAS, centro_id):
        tipos.append("denuncia")
    return tipos


def exigir_bandeja(quien: Actor | None, centro_id: int) -> Actor:
    if quien is None or quien.tipo != "usuario" or not tipos_visibles(quien, centro_id):
        raise Prohibido("No tiene acceso a la bandeja del buzón de este centro.")
    return quien


# El asunto se muestra por su nombre del catálogo (la clave, si ya no existe).
_NOMBRE_ASUNTO = " LEFT JOIN buzon_asunto a ON a.centro_id = k.centro_id AND a.clave = k.asunto"
_LISTA = text(
    "SELECT k.id, k.folio, k.tipo, COALESCE(a.nombre, k.asunto) AS asunto, k.canal, k.estado,"
    " k.creado_ms, k.vence_ms, u.nombre AS unidad FROM buzon_caso k"
    " LEFT JOIN buzon_unidad u ON u.id = k.unidad_id"
    + _NOMBRE_ASUNTO
    + " WHERE k.centro_id = :c AND k.tipo IN ({tipos}) ORDER BY k.vence_ms, k.id LIMIT 500"
)


def listar(alm: Almacen, slug: str, quien: Actor | None, ahora: datetime) -> dict[str, Any]:
    ms = a_ms(ahora)
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        tipos = tipos_visibles(exigir_bandeja(quien, c.id), c.id)
        marcas = ", ".join(f":t{i}" for i in range(len(tipos)))
        filas = conn.execute(
            text(_LISTA.text.format(tipos=marcas)),
            {"c": c.id, **{f"t{i}": t for i, t in enumerate(tipos)}},
        ).all()
    casos = [
        {
            "folio": f.folio,
            "tipo": reglas.TIPOS[f.tipo],
            "asunto": f.asunto,
            "canal": f.canal,
            "estado": reglas.ESTADOS[f.estado],
            "abierto": f.estado not in reglas.FINALES,
            "vencido": f.estado not in reglas.FINALES and f.vence_ms < ms,
            "recibida": iso(f.creado_ms, c.zona),
            "vence": iso(f.vence_ms, c.zona),
            "unidad": f.unidad or "",
        }
        for f in filas
    ]
    abiertos = [k for k in casos if k["abierto"]]
    return {"centro": c, "casos": abiertos + [k for k in casos if not k["abierto"]]}


_CASO = text(
    "SELECT k.*, a.nombre AS asunto_nombre, u.nombre AS unidad FROM buzon_caso k"
    " LEFT JOIN buzon_unidad u ON u.id = k.unidad_id"
    + _NOMBRE_ASUNTO
    + " WHERE k.folio = :f AND k.centro_id = :c"
)
_HISTORIA = text(
    "SELECT m.*, de.nombre AS de_unidad, a.nombre AS a_unidad, us.nombre AS usuario"
    " FROM buzon_movimiento m LEFT JOIN buzon_unidad de ON de.id = m.de_unidad_id"
    " LEFT JOIN buzon_unidad a ON a.id = m.a_unidad_id LEFT JOIN usuario us ON us.id = m.usuario_id"
    " WHERE m.caso_id = :k ORDER BY m.id"
)
_UNIDADES = text(
    "SELECT id, clave, nombre, correo FROM buzon_unidad WHERE centro_id = :c AND activa = true"
    " ORDER BY nombre"
)


def _caso(conn: Connection, c_id: int, folio: str, quien: Actor | None) -> Any:
    visibles = tipos_visibles(exigir_bandeja(quien, c_id), c_id)  # primero, quién pide
    k = conn.execute(_CASO, {"f": folio.strip().upper()[:100], "c": c_id}).first()
    # Un caso que no puede ver es, para esta persona, un caso que no existe.
    if k is None or k.tipo not in visibles:
        raise NoEncontrado("No existe ese caso en su bandeja.", "caso_no_encontrado")
    return k


def ver(alm: Almacen, slug: str, folio: str, quien: Actor | None) -> dict[str, Any]:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        k = _caso(conn, c.id, folio, quien)
        historia = [
            {
                "fecha": iso(m.ts_ms, c.zona),
                "tipo": m.tipo,
                "de_estado": m.de_estado,
                "a_estado": m.a_estado,
                "de_unidad": m.de_unidad or "",
                "a_unidad": m.a_unidad or "",
                "usuario": m.usuario or "",
                "texto": m.texto,
            }
            for m in conn.execute(_HISTORIA, {"k": k.id})
        ]
        unidades = [dict(u._mapping) for u in conn.execute(_UNIDADES, {"c": c.id})]
        tramite = None
        if k.tramite_id is not None:
            tramite = conn.execute(
                text("SELECT nombre FROM tramite WHERE id = :t"), {"t": k.tramite_id}
            ).scalar()
    return {
        "centro": c,
        "folio": k.folio,
        "tipo": k.tipo,
        "tipo_texto": reglas.TIPOS[k.tipo],
        "asunto": k.asunto_nombre or k.asunto,
        "canal": k.canal,
        "estado": k.estado,
        "estado_texto": reglas.ESTADOS[k.estado],
        "descripcion": k.descripcion,
        "correo": k.correo,
        "telefono": k.telefono,
        "anonima": not (k.correo or k.telefono),
        "tramite": tramite,
        "unidad_id": k.unidad_id,
        "unidad": k.unidad or "",
        "recibida": iso(k.creado_ms, c.zona),
        "vence": iso(k.vence_ms, c.zona),
        "resolucion": k.resolucion,
        "historia": historia,
        "unidades": unidades,
        "siguientes": sorted(reglas.TRANSICIONES.get(k.estado, ())),
        "canalizable": k.estado in reglas.CANALIZABLES,
        "plantillas": reglas.PLANTILLAS,
    }


_CANALIZAR = text(
    "UPDATE buzon_caso SET estado = 'canalizada', unidad_id = :u,"
    " primera_unidad_id = COALESCE(primera_unidad_id, :u), actualizado_ms = :ms"
    " WHERE id = :k AND estado = :de AND (unidad_id IS NULL AND CAST(:antes AS INTEGER) IS NULL"
    " OR unidad_id = :antes)"
)


def canalizar(
    alm: Almacen,
    slug: str,
    folio: str,
    unidad_id: int,
    motivo: str,
    quien: Actor | None,
    ahora: datetime,
) -> dict[str, Any]:
    """Confirma o cambia la unidad. Un cambio guarda de → a, quién y por qué, y avisa a la
    unidad nueva por la bandeja de salida (en la misma transacción)."""
    motivo = (motivo or "").strip()[:500]
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, slug)
        k = _caso(tx.conn, c.id, folio, quien)
        assert quien is not None
        if k.estado not in reglas.CANALIZABLES:
            raise Conflicto(
                "Un caso cerrado o respondido ya no se canaliza.", "transicion_invalida"
            )
        existe = tx.ejecutar(
            text("SELECT 1 FROM buzon_unidad WHERE id = :u AND centro_id = :c AND activa = true"),
            {"u": unidad_id, "c": c.id},
        ).first()
        if existe is None:
            raise EntradaInvalida("Elija una unidad responsable de este centro.", "unidad_invalida")
        cambio = k.unidad_id is not None and k.unidad_id != unidad_id
        if cambio and not motivo:
            raise EntradaInvalida("Diga por qué cambia la unidad.", "motivo_faltante")
        hecho = tx.ejecutar(
            _CANALIZAR, {"u": unidad_id, "ms": ms, "k": k.id, "de": k.estado, "antes": k.unidad_id}
        )
        if hecho.rowcount != 1:
            raise Conflicto("Alguien más cambió este caso; recargue la página.", "caso_cambiado")
        movimiento(
            tx,
            k.id,
            ms,
            "canalizacion",
            de=k.estado,
            a="canalizada",
            de_unidad=k.unidad_id,
            a_unidad=unidad_id,
            usuario_id=quien.usuario_id,
            texto_=motivo or ("confirmada" if k.unidad_id == unidad_id else "canalizada"),
        )
        tx.evento(
            c.id,
            "buzon_canalizada",
            ms,
            usuario_id=quien.usuario_id,
            datos={
                "folio": k.folio,
                "de_unidad": k.unidad_id,
                "a_unidad": unidad_id,
                "cambio": cambio,
            },
        )
        if k.unidad_id != unidad_id:
            correo.avisar_unidad(tx, k.id, unidad_id, ms)
    return {"folio": k.folio, "estado": "canalizada", "cambio": cambio}


_ESTADO = text(
    "UPDATE buzon_caso SET estado = :a, actualizado_ms = :ms,"
    " resolucion = CASE WHEN :final THEN :texto ELSE resolucion END,"
    " respuesta_ms = CASE WHEN :responde THEN COALESCE(respuesta_ms, :ms)"
    " ELSE respuesta_ms END,"
    " cerrado_ms = CASE WHEN :final THEN :ms ELSE cerrado_ms END"
    " WHERE id = :k AND estado = :de"
)


def cambiar_estado(
    alm: Almacen,
    slug: str,
    folio: str,
    a: str,
    texto_: str,
    quien: Actor | None,
    ahora: datetime,
) -> dict[str, Any]:
    """Pasa el caso de estado. Responder o cerrar exige el texto que verá el ciudadano."""
    texto_ = (texto_ or "").strip()[:4000]
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, slug)
        k = _caso(tx.conn, c.id, folio, quien)
        assert quien is not None
        if not reglas.puede_pasar(k.estado, a):
            raise Conflicto(
                f"Un caso «{reglas.ESTADOS[k.estado]}» no pasa a «{reglas.ESTADOS.get(a, a)}».",
                "transicion_invalida",
            )
        if reglas.exige_texto(a) and not texto_:
            raise EntradaInvalida("Escriba la respuesta o resolución.", "resolucion_faltante")
        final = a in reglas.FINALES
        params = {
            "a": a,
            "ms": ms,
            "final": final,
            "responde": a == "respondida",
            "texto": texto_,
            "k": k.id,
            "de": k.estado,
        }
        if tx.ejecutar(_ESTADO, params).rowcount != 1:
            raise Conflicto("Alguien más cambió este caso; recargue la página.", "caso_cambiado")
        movimiento(tx, k.id, ms, "estado", de=k.estado, a=a, usuario_id=quien.usuario_id)
        if texto_:  # la respuesta pública (lo que ve el ciudadano por su folio)
            movimiento(tx, k.id, ms, "respuesta", usuario_id=quien.usuario_id, texto_=texto_)
        tx.evento(
            c.id,
            "buzon_estado",
            ms,
            usuario_id=quien.usuario_id,
            datos={"folio": k.folio, "de": k.estado, "a": a, "unidad": k.unidad_id},
        )
    return {"folio": k.folio, "estado": a}


def anotar(
    alm: Almacen, slug: str, folio: str, texto_: str, quien: Actor | None, ahora: datetime
) -> None:
    """Nota interna: nunca la ve el ciudadano."""
    texto_ = (texto_ or "").strip()[:4000]
    if not texto_:
        raise EntradaInvalida("Escriba la nota.", "campo_faltante")
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, slug)
        k = _caso(tx.conn, c.id, folio, quien)
        assert quien is not None
        movimiento(tx, k.id, ms, "nota", usuario_id=quien.usuario_id, texto_=texto_)
        tx.evento(c.id, "buzon_nota", ms, usuario_id=quien.usuario_id, datos={"folio": k.folio})

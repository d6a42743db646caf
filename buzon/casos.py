"""Recepción de manifestaciones (todos los canales) y seguimiento del ciudadano por folio y clave.

Un caso nace en UNA transacción: folio (contador por centro y año, `UPDATE … RETURNING`), fila
del caso, canalización automática por la tabla de rutas (si hay ruta, ya nace «canalizada» y su
unidad recibe el aviso por la bandeja de salida) y evento en la bitácora encadenada, sin
identidad ni texto del ciudadano.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from buzon import correo, reglas
from turnos.db.almacen import Almacen, Tx
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado
from turnos.servicios import consultas
from turnos.tiempo import a_ms, desde_ms, iso

MAX_DESCRIPCION = 4000
_CORREO = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")

_SUBIR_FOLIO = text(
    "UPDATE buzon_folio SET n = n + 1 WHERE centro_id = :c AND anio = :a RETURNING n"
)
_NUEVO_FOLIO = text("INSERT INTO buzon_folio (centro_id, anio, n) VALUES (:c, :a, 1)")
_RUTA = text(
    "SELECT r.unidad_id FROM buzon_ruta r JOIN buzon_unidad u ON u.id = r.unidad_id"
    " WHERE r.centro_id = :c AND u.activa = true AND r.tipo IN (:t, '') AND r.asunto IN (:s, '')"
    " ORDER BY (r.tipo = '') , (r.asunto = '') LIMIT 1"
)
_INSERTAR = text(
    "INSERT INTO buzon_caso (centro_id, folio, clave_hash, tipo, asunto, descripcion, canal,"
    " estado, turno_id, tramite_id, ventanilla_id, correo, telefono, unidad_id,"
    " primera_unidad_id, resolucion, creado_ms, actualizado_ms, vence_ms, capturo_id, demo)"
    " VALUES (:c, :folio, :hash, :tipo, :asunto, :desc, :canal, :estado, :turno, :tramite,"
    " :ventanilla, :correo, :tel, :unidad, :unidad, '', :ms, :ms, :vence, :capturo, :demo)"
    " RETURNING id"
)
_MOVIMIENTO = text(
    "INSERT INTO buzon_movimiento (caso_id, ts_ms, tipo, de_estado, a_estado, de_unidad_id,"
    " a_unidad_id, usuario_id, texto) VALUES (:caso, :ms, :tipo, :de, :a, :de_u, :a_u, :u, :texto)"
)
_TURNO = text(
    "SELECT t.id, t.tramite_id, t.ventanilla_id FROM turno t WHERE t.id = :t AND t.centro_id = :c"
)
_TURNO_POR_FOLIO = text(
    "SELECT t.id FROM turno t WHERE t.centro_id = :c AND t.folio = :f AND t.en_cola_ms <= :ms"
    " ORDER BY t.en_cola_ms DESC LIMIT 1"
)


def movimiento(
    tx: Tx,
    caso_id: int,
    ms: int,
    tipo: str,
    *,
    de: str = "",
    a: str = "",
    de_unidad: int | None = None,
    a_unidad: int | None = None,
    usuario_id: int | None = None,
    texto_: str = "",
) -> None:
    tx.ejecutar(
        _MOVIMIENTO,
        {
            "caso": caso_id,
            "ms": ms,
            "tipo": tipo,
            "de": de,
            "a": a,
            "de_u": de_unidad,
            "a_u": a_unidad,
            "u": usuario_id,
            "texto": texto_,
        },
    )


def _texto(valor: Any, campo: str, maximo: int, requerido: bool = False) -> str:
    if valor is None:
        valor = ""
    if not isinstance(valor, str):
        raise EntradaInvalida(f"El campo «{campo}» debe ser texto.")
    valor = valor.strip()
    if "\x00" in valor:
        raise EntradaInvalida(
            f"El campo «{campo}» contiene caracteres no válidos.", "texto_invalido"
        )
    if len(valor) > maximo:
        raise EntradaInvalida(f"El campo «{campo}» admite a lo más {maximo} caracteres.")
    if requerido and not valor:
        raise EntradaInvalida(f"Escriba el campo «{campo}».", "campo_faltante")
    return str(valor)


def validar(
    tipo: Any, descripcion: Any, correo_: Any, telefono: Any, asunto: Any = ""
) -> dict[str, str]:
    if tipo not in reglas.TIPOS:
        raise EntradaInvalida(f"Tipo desconocido; use: {', '.join(reglas.TIPOS)}.", "tipo_invalido")
    datos = {
        "tipo": str(tipo),
        "descripcion": _texto(descripcion, "descripcion", MAX_DESCRIPCION, requerido=True),
        "correo": _texto(correo_, "correo", 200),
        "telefono": _texto(telefono, "telefono", 30),
        "asunto": _texto(asunto, "asunto", 30).lower(),
    }
    if datos["correo"] and not _CORREO.match(datos["correo"]):
        raise EntradaInvalida("Revise su correo electrónico.", "correo_invalido")
    if datos["telefono"] and not re.fullmatch(r"[\d\s()+.-]{7,30}", datos["telefono"]):
        raise EntradaInvalida("Revise su teléfono (solo dígitos).", "telefono_invalido")
    return datos


def _siguiente_folio(tx: Tx, centro_id: int, slug: str, anio: int) -> str:
    n = tx.ejecutar(_SUBIR_FOLIO, {"c": centro_id, "a": anio}).scalar()
    if n is None:
        tx.ejecutar(_NUEVO_FOLIO, {"c": centro_id, "a": anio})
        n = 1
    return reglas.folio(slug, anio, int(n))


def abrir(
    alm: Almacen,
    centro_slug: str,
    *,
    tipo: str,
    descripcion: str,
    turno_id: int | None = None,
    turno_folio: str = "",
    correo_: str | None = None,
    telefono: str | None = None,
    asunto: str = "",
    canal: str,
    ahora: datetime,
    capturo_id: int | None = None,
    demo: bool = False,
) -> dict[str, Any]:
    """Abre el caso; devuelve {"folio", "clave", "estado", "vence"} (la clave solo aquí)."""
    if canal not in reglas.CANALES:
        raise EntradaInvalida("Canal desconocido.", "canal_invalido")
    d = validar(tipo, descripcion, correo_, telefono, asunto)
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        if (
            d["asunto"]
            and not tx.ejecutar(
                text("SELECT 1 FROM buzon_asunto WHERE centro_id = :c AND clave = :s"),
                {"c": c.id, "s": d["asunto"]},
            ).first()
        ):
            raise EntradaInvalida("Ese asunto no existe en este centro.", "asunto_invalido")
        if turno_id is None and turno_folio:
            turno_id = tx.ejecutar(
                _TURNO_POR_FOLIO, {"c": c.id, "f": turno_folio.strip().upper()[:12], "ms": ms}
            ).scalar()
            if turno_id is None:
                raise EntradaInvalida("No encontramos ese folio de turno.", "turno_no_encontrado")
        turno = None
        if turno_id is not None:
            turno = tx.ejecutar(_TURNO, {"t": turno_id, "c": c.id}).first()
            if turno is None:
                raise EntradaInvalida("Ese turno no es de este centro.", "turno_no_encontrado")
        local = desde_ms(ms, c.zona)
        folio_ = _siguiente_folio(tx, c.id, c.slug, local.year)
        clave = reglas.nueva_clave()
        unidad = tx.ejecutar(_RUTA, {"c": c.id, "t": d["tipo"], "s": d["asunto"]}).scalar()
        estado = "canalizada" if unidad is not None else "recibida"
        vence_ms = a_ms(reglas.vence(d["tipo"], ahora))
        caso_id = tx.ejecutar(
            _INSERTAR,
            {
                "c": c.id,
                "folio": folio_,
                "hash": reglas.huella_clave(folio_, clave),
                "tipo": d["tipo"],
                "asunto": d["asunto"],
                "desc": d["descripcion"],
                "canal": canal,
                "estado": estado,
                "turno": turno.id if turno else None,
                "tramite": turno.tramite_id if turno else None,
                "ventanilla": turno.ventanilla_id if turno else None,
                "correo": d["correo"],
                "tel": d["telefono"],
                "unidad": unidad,
                "ms": ms,
                "vence": vence_ms,
                "capturo": capturo_id,
                "demo": demo,
            },
        ).scalar_one()
        movimiento(tx, caso_id, ms, "estado", a="recibida", usuario_id=capturo_id)
        datos_evento = {"folio": folio_, "tipo": d["tipo"], "canal": canal, "asunto": d["asunto"]}
        tx.evento(c.id, "buzon_recibida", ms, usuario_id=capturo_id, datos=datos_evento)
        if unidad is not None:
            movimiento(
                tx,
                caso_id,
                ms,
                "canalizacion",
                de="recibida",
                a="canalizada",
                a_unidad=unidad,
                texto_="tabla de canalización",
            )
            tx.evento(
                c.id,
                "buzon_canalizada",
                ms,
                datos={"folio": folio_, "a_unidad": unidad, "automatica": True},
            )
            correo.avisar_unidad(tx, caso_id, unidad, ms)
    return {"folio": folio_, "clave": clave, "estado": estado, "vence": iso(vence_ms, c.zona)}


def abrir_manifestacion(
    alm: Almacen,
    centro_slug: str,
    *,
    tipo: str,
    descripcion: str,
    turno_id: int | None,
    correo: str | None,
    telefono: str | None,
    canal: str,
    ahora: datetime,
) -> dict[str, Any]:
    """Servicio para otras capacidades (p. ej. la encuesta: «quiero que me contacten»)."""
    return abrir(
        alm,
        centro_slug,
        tipo=tipo,
        descripcion=descripcion,
        turno_id=turno_id,
        correo_=correo,
        telefono=telefono,
        canal=canal,
        ahora=ahora,
    )


# -- seguimiento del ciudadano ---------------------------------------------------------------
_CASO = text(
    "SELECT k.*, c.zona, c.nombre AS centro_nombre, c.slug AS centro_slug FROM buzon_caso k"
    " JOIN centro c ON c.id = k.centro_id WHERE k.folio = :f"
)
_PUBLICOS = text(
    "SELECT tipo, a_estado, ts_ms, texto FROM buzon_movimiento WHERE caso_id = :k"
    " AND tipo IN ('estado', 'canalizacion', 'respuesta', 'ciudadano') ORDER BY id"
)


def _caso_con_clave(conn: Connection, folio_: str, clave: str) -> Any:
    normal = reglas.normalizar_folio(folio_)
    fila = conn.execute(_CASO, {"f": normal}).first() if normal else None
    # Mismo 404 para folio inexistente y clave errónea: no se revela qué folios existen.
    if fila is None or not reglas.clave_correcta(fila.folio, clave, fila.clave_hash):
        raise NoEncontrado("No encontramos un caso con ese folio y esa clave.", "no_encontrado")
    return fila


def historia_publica(conn: Connection, caso_id: int, zona: str) -> list[dict[str, Any]]:
    """Estados y respuestas públicas; nunca notas internas, unidad ni quién lo atendió."""
    salida: list[dict[str, Any]] = []
    for m in conn.execute(_PUBLICOS, {"k": caso_id}):
        if m.tipo in ("estado", "canalizacion"):
            salida.append(
                {
                    "tipo": "estado",
                    "estado": m.a_estado,
                    "texto": reglas.ESTADOS.get(m.a_estado, m.a_estado),
                    "fecha": iso(m.ts_ms, zona),
                }
            )
        else:
            quien = "Respuesta" if m.tipo == "respuesta" else "Usted agregó"
            salida.append(
                {"tipo": m.tipo, "texto": m.texto, "de": quien, "fecha": iso(m.ts_ms, zona)}
            )
    return salida


def consultar(alm: Almacen, folio_: str, clave: str) -> dict[str, Any]:
    with alm.lectura() as conn:
        k = _caso_con_clave(conn, folio_, clave)
        return {
            "folio": k.folio,
            "tipo": k.tipo,
            "tipo_texto": reglas.TIPOS[k.tipo],
            "centro": k.centro_slug,
            "centro_nombre": k.centro_nombre,
            "estado": k.estado,
            "estado_texto": reglas.ESTADOS[k.estado],
            "abierta": k.estado not in reglas.FINALES,
            "recibida": iso(k.creado_ms, k.zona),
            "actualizada": iso(k.actualizado_ms, k.zona),
            "vence": iso(k.vence_ms, k.zona),
            "resolucion": k.resolucion if k.estado in reglas.FINALES else "",
            "historia": historia_publica(conn, k.id, k.zona),
        }


def agregar(alm: Almacen, folio_: str, clave: str, texto_: str, ahora: datetime) -> None:
    """El ciudadano agrega información a su caso abierto; la unidad recibe el aviso."""
    texto_ = _texto(texto_, "informacion", MAX_DESCRIPCION, requerido=True)
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        k = _caso_con_clave(tx.conn, folio_, clave)
        if k.estado in reglas.FINALES:
            raise Conflicto("Este caso ya está cerrado; abra uno nuevo.", "caso_cerrado")
        movimiento(tx, k.id, ms, "ciudadano", texto_=texto_)
        tx.ejecutar(
            text("UPDATE buzon_caso SET actualizado_ms = :ms WHERE id = :k"), {"ms": ms, "k": k.id}
        )
        tx.evento(k.centro_id, "buzon_informacion", ms, datos={"folio": k.folio})
        if k.unidad_id is not None:
            correo.avisar_unidad(tx, k.id, k.unidad_id, ms, motivo_="agregado")

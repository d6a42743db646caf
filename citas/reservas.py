"""Reservar, reprogramar y cancelar citas. Un comando = una transacción con su evento.

El cupo lo garantiza la BD (`cita_cupo`, UPDATE condicionado con revisión de rowcount), no un
"consultar y luego insertar". La CURP solo se guarda en la fila de la cita; eventos y respuestas
llevan folio, trámite y horario, nunca datos personales.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import text

from citas import agenda as dom
from citas import apartados, lecturas
from citas.correo import avisar
from citas.curp import CurpInvalida, huella, validar
from citas.estados import AccionCita, EstadoCita, transicion
from citas.ics import DatosIcs
from turnos.db.almacen import Almacen, Tx
from turnos.errores import Conflicto, EntradaInvalida
from turnos.servicios import consultas
from turnos.servicios.consultas import CentroInfo
from turnos.tiempo import a_ms, iso

_FOLIO = "ACDEFHJKMNPRTUVWXY3479"  # sin 0/O, 1/I/L, 2/Z, 5/S, 8/B: se dicta y se teclea bien
_CREAR_CUPO = text(
    "INSERT INTO cita_cupo (tramite_id, inicio_ms, ocupados) VALUES (:t, :i, 0)"
    " ON CONFLICT (tramite_id, inicio_ms) DO NOTHING"
)
_OCUPAR = text(
    "UPDATE cita_cupo SET ocupados = ocupados + 1"
    " WHERE tramite_id = :t AND inicio_ms = :i AND ocupados < :lugares"
)
_LIBERAR = text(
    "UPDATE cita_cupo SET ocupados = ocupados - 1"
    " WHERE tramite_id = :t AND inicio_ms = :i AND ocupados > 0"
)
_BLOQUEAR_CUPOS = text(
    "SELECT inicio_ms FROM cita_cupo WHERE tramite_id = :t AND inicio_ms IN (:a, :b)"
    " ORDER BY inicio_ms FOR UPDATE"
)
_PERSONA = text(  # bloquea la fila de la persona: el tope se cuenta sin carreras
    "INSERT INTO cita_persona (centro_id, curp_hash, reservas) VALUES (:c, :h, 1)"
    " ON CONFLICT (centro_id, curp_hash) DO UPDATE SET reservas = cita_persona.reservas + 1"
)
_ACTIVA = text(
    "SELECT 1 FROM cita WHERE tramite_id = :t AND curp_hash = :h AND estado = 'agendada'"
)
_EN_PERIODO = text(
    "SELECT count(*) FROM cita WHERE centro_id = :c AND curp_hash = :h"
    " AND estado <> 'cancelada' AND creado_ms >= :desde"
)
_INSERTAR = text(
    "INSERT INTO cita (centro_id, tramite_id, folio, token_hash, inicio_ms, fin_ms, estado,"
    " secuencia, nombre, curp, curp_hash, correo, telefono, creado_ms, actualizado_ms)"
    " VALUES (:c, :t, :folio, :th, :i, :f, 'agendada', 0, :nombre, :curp, :h, :correo, :tel,"
    " :ms, :ms) RETURNING id"
)


def leer_inicio(valor: Any) -> datetime:
    """ISO 8601 con desfase (la hora del centro como la mostró la disponibilidad)."""
    if not isinstance(valor, str) or len(valor) > 40:
        raise EntradaInvalida("Indique «inicio» como fecha y hora ISO 8601 con desfase.")
    try:
        momento = datetime.fromisoformat(valor)
    except ValueError:
        raise EntradaInvalida("«inicio» no es una fecha y hora ISO 8601 válida.") from None
    if momento.tzinfo is None:
        raise EntradaInvalida("«inicio» debe llevar su desfase, p. ej. 2026-12-01T09:30:00-06:00.")
    return momento.astimezone(UTC)


def _texto(datos: dict[str, Any], campo: str, maximo: int, requerido: bool = False) -> str:
    valor = datos.get(campo) or ""
    if not isinstance(valor, str):
        raise EntradaInvalida(f"«{campo}» debe ser texto.")
    valor = " ".join(valor.split())
    if requerido and not valor:
        raise EntradaInvalida(f"Falta «{campo}».")
    if len(valor) > maximo:
        raise EntradaInvalida(f"«{campo}» admite hasta {maximo} caracteres.")
    return valor


def _contacto(datos: dict[str, Any]) -> tuple[str, str]:
    correo = _texto(datos, "correo", 200)
    telefono = _texto(datos, "telefono", 30)
    if correo and ("@" not in correo or correo.startswith("@") or correo.endswith("@")):
        raise EntradaInvalida("El correo no parece válido.")
    if telefono and not all(c.isdigit() or c in "+ -()" for c in telefono):
        raise EntradaInvalida("El teléfono solo lleva dígitos, espacios, +, - y paréntesis.")
    return correo, telefono


def vista(f: Any, zona: str, token: str | None = None) -> dict[str, Any]:
    """La cita como la ve su titular (sin CURP, sin nombre)."""
    salida = {
        "folio": f.folio,
        "estado": f.estado,
        "inicio": iso(f.inicio_ms, zona),
        "fin": iso(f.fin_ms, zona),
        "tramite": f.tramite_clave,
        "tramite_nombre": f.tramite_nombre,
        "centro": f.centro_slug,
        "secuencia": f.secuencia,
    }
    if token is not None:
        salida["token"] = token
    return salida


def _ocupar(tx: Tx, tramite_id: int, inicio_ms: int, lugares: int, ms: int) -> None:
    tx.ejecutar(_CREAR_CUPO, {"t": tramite_id, "i": inicio_ms})
    apartados.liberar_vencidos(tx, tramite_id, inicio_ms, ms)
    if tx.ejecutar(_OCUPAR, {"t": tramite_id, "i": inicio_ms, "lugares": lugares}).rowcount != 1:
        raise Conflicto("Ese horario ya se llenó. Elija otro de la lista.", "cupo_agotado")


def _horario(tx: Tx, c: CentroInfo, tramite_id: int, inicio: datetime, ahora: datetime) -> Any:
    agenda = lecturas.agenda(tx.conn, tramite_id)
    h = dom.buscar(agenda, lecturas.centro_agenda(c), ahora, inicio)
    if h is None:
        raise Conflicto(
            "Ese horario no se ofrece (fuera de horario, día inhábil o con muy poca anticipación).",
            "horario_no_disponible",
        )
    return agenda, h


def _evento(tx: Tx, c: CentroInfo, tipo: str, ms: int, f: Any, tramite: str, **extra: Any) -> None:
    tx.evento(
        c.id,
        tipo,
        ms,
        turno_id=extra.pop("turno_id", None),
        dispositivo_id=extra.pop("dispositivo_id", None),
        usuario_id=extra.pop("usuario_id", None),
        datos={"folio": f["folio"], "tramite": tramite, "inicio_ms": f["inicio_ms"], **extra},
        publico={"cita": {"tramite": tramite, "estado": f["estado"]}},
    )


def crear(
    alm: Almacen,
    centro_slug: str,
    datos: dict[str, Any],
    ahora: datetime,
    url_base: str = "",
    *,
    usuario_id: int | None = None,
    apartado: str | None = None,
) -> dict[str, Any]:
    """Agenda; `url_base` arma el enlace /citas/{token} de los correos. `usuario_id`: la agendó
    el personal a nombre de quien llamó o llegó (queda en el evento). `apartado`: el token del
    apartado de ese horario (su lugar pasa a la cita sin volver a ocupar otro)."""
    tramite_clave = _texto(datos, "tramite", 20, requerido=True)
    inicio = leer_inicio(datos.get("inicio"))
    nombre = _texto(datos, "nombre", 200, requerido=True)
    try:
        curp = validar(_texto(datos, "curp", 30, requerido=True))
    except CurpInvalida as e:
        raise EntradaInvalida(str(e), "curp_invalida") from None
    correo, telefono = _contacto(datos)
    ms = a_ms(ahora)
    token = secrets.token_urlsafe(24)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        tr = consultas.tramite(tx.conn, c.id, tramite_clave)
        agenda, h = _horario(tx, c, tr.id, inicio, ahora)
        h_curp = huella(lecturas.llave_curp(tx.conn), curp)
        tx.ejecutar(_PERSONA, {"c": c.id, "h": h_curp})
        if tx.ejecutar(_ACTIVA, {"t": tr.id, "h": h_curp}).first() is not None:
            raise Conflicto(
                "Ya tiene una cita agendada para este trámite. Consúltela con el enlace de su"
                " confirmación o cancélela antes de pedir otra.",
                "limite_por_persona",
            )
        reglas = lecturas.ajustes(tx.conn, c.id)
        _politica_inasistencias(tx, c.id, h_curp, reglas, ms)
        desde = ms - reglas["periodo_dias"] * 86_400_000
        if (
            tx.ejecutar(_EN_PERIODO, {"c": c.id, "h": h_curp, "desde": desde}).scalar_one()
            >= (reglas["tope_por_curp"])
        ):
            raise Conflicto(
                f"Alcanzó el máximo de {reglas['tope_por_curp']} citas en"
                f" {reglas['periodo_dias']} días para una misma CURP en este centro.",
                "limite_por_persona",
            )
        inicio_ms, fin_ms = a_ms(h.inicio), a_ms(h.fin)
        if not apartados.consumir(tx, apartado, tr.id, inicio_ms):
            _ocupar(tx, tr.id, inicio_ms, agenda.lugares, ms)
        folio = "C-" + "".join(secrets.choice(_FOLIO) for _ in range(6))
        cita_id = tx.ejecutar(
            _INSERTAR,
            {
                "c": c.id,
                "t": tr.id,
                "folio": folio,
                "th": lecturas.hash_token(token),
                "i": inicio_ms,
                "f": fin_ms,
                "nombre": nombre,
                "curp": curp,
                "h": h_curp,
                "correo": correo,
                "tel": telefono,
                "ms": ms,
            },
        ).scalar_one()
        fila = {"folio": folio, "inicio_ms": inicio_ms, "estado": "agendada"}
        por = {"usuario_id": usuario_id, "por": "personal"} if usuario_id is not None else {}
        _evento(tx, c, "cita_agendada", ms, fila, tr.clave, cita=cita_id, **por)
        avisar(tx, c, cita_id, "confirmacion", f"{url_base}/citas/{token}", ahora)
        f = lecturas.cita_por_token(tx.conn, token)
    return vista(f, c.zona, token)


_INASISTENCIAS = text(
    "SELECT count(*) FROM cita WHERE centro_id = :c AND curp_hash = :h"
    " AND estado = 'no_presentada' AND inicio_ms >= :desde"
)
_AGENDADAS = text(
    "SELECT count(*) FROM cita WHERE centro_id = :c AND curp_hash = :h AND estado = 'agendada'"
)


def _politica_inasistencias(
    tx: Tx, centro_id: int, h: str, reglas: dict[str, int], ms: int
) -> None:
    """Con muchas inasistencias recientes, solo una cita agendada a la vez (política publicada)."""
    desde = ms - reglas["inasistencias_dias"] * 86_400_000
    faltas = tx.ejecutar(_INASISTENCIAS, {"c": centro_id, "h": h, "desde": desde}).scalar_one()
    if faltas < reglas["inasistencias_max"]:
        return
    if tx.ejecutar(_AGENDADAS, {"c": centro_id, "h": h}).scalar_one() >= 1:
        raise Conflicto(
            f"Por {faltas} citas a las que no se presentó en los últimos"
            f" {reglas['inasistencias_dias']} días, por ahora puede tener una sola cita agendada.",
            "limite_por_persona",
        )


def estado(alm: Almacen, token: str) -> dict[str, Any]:
    with alm.lectura() as conn:
        f = lecturas.cita_por_token(conn, token)
        c = consultas.centro(conn, f.centro_slug)
    return {**vista(f, c.zona), "centro_nombre": c.nombre}


_CAMBIAR = text(
    "UPDATE cita SET estado = :e, inicio_ms = :i, fin_ms = :f, secuencia = secuencia + 1,"
    " actualizado_ms = :ms WHERE id = :id AND estado = 'agendada' AND secuencia = :s"
)


def _exigir_plazo(f: Any, ahora: datetime, corte_min: int, que: str) -> None:
    if a_ms(ahora) > f.inicio_ms - corte_min * 60_000:
        raise Conflicto(
            f"Ya no es posible {que} en línea: faltan menos de {corte_min} minutos para su cita.",
            "fuera_de_plazo",
        )


def _cambiar(tx: Tx, f: Any, estado_: EstadoCita, inicio_ms: int, fin_ms: int, ms: int) -> None:
    params = {"e": estado_.value, "i": inicio_ms, "f": fin_ms, "ms": ms, "id": f.id}
    if tx.ejecutar(_CAMBIAR, {**params, "s": f.secuencia}).rowcount != 1:
        raise Conflicto("La cita cambió mientras la modificaba; recargue e intente de nuevo.")


def cancelar(alm: Almacen, token: str, ahora: datetime, url_base: str = "") -> dict[str, Any]:
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        f = lecturas.cita_por_token(tx.conn, token)
        nuevo = transicion(EstadoCita(f.estado), AccionCita.CANCELAR)
        c = consultas.centro(tx.conn, f.centro_slug)
        _exigir_plazo(f, ahora, lecturas.ajustes(tx.conn, c.id)["corte_min"], "cancelar")
        _cambiar(tx, f, nuevo, f.inicio_ms, f.fin_ms, ms)
        tx.ejecutar(_LIBERAR, {"t": f.tramite_id, "i": f.inicio_ms})
        fila = {"folio": f.folio, "inicio_ms": f.inicio_ms, "estado": nuevo.value}
        _evento(tx, c, "cita_cancelada", ms, fila, f.tramite_clave)
        avisar(tx, c, f.id, "cancelacion", f"{url_base}/citas/{token}", ahora)
    return estado(alm, token)


def reprogramar(
    alm: Almacen, token: str, inicio_texto: Any, ahora: datetime, url_base: str = ""
) -> dict[str, Any]:
    inicio = leer_inicio(inicio_texto)
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        f = lecturas.cita_por_token(tx.conn, token)
        transicion(EstadoCita(f.estado), AccionCita.REPROGRAMAR)
        c = consultas.centro(tx.conn, f.centro_slug)
        _exigir_plazo(f, ahora, lecturas.ajustes(tx.conn, c.id)["corte_min"], "reprogramar")
        agenda, h = _horario(tx, c, f.tramite_id, inicio, ahora)
        inicio_ms, fin_ms = a_ms(h.inicio), a_ms(h.fin)
        if inicio_ms == f.inicio_ms:
            raise Conflicto("Su cita ya está en ese horario.", "mismo_horario")
        _cambiar(tx, f, EstadoCita.AGENDADA, inicio_ms, fin_ms, ms)
        if tx.es_pg:  # dos personas que intercambian horarios: mismo orden de candados
            tx.ejecutar(_CREAR_CUPO, {"t": f.tramite_id, "i": inicio_ms})
            tx.ejecutar(_BLOQUEAR_CUPOS, {"t": f.tramite_id, "a": inicio_ms, "b": f.inicio_ms})
        _ocupar(tx, f.tramite_id, inicio_ms, agenda.lugares, ms)
        tx.ejecutar(_LIBERAR, {"t": f.tramite_id, "i": f.inicio_ms})
        fila = {"folio": f.folio, "inicio_ms": inicio_ms, "estado": "agendada"}
        _evento(tx, c, "cita_reprogramada", ms, fila, f.tramite_clave, antes_ms=f.inicio_ms)
        avisar(tx, c, f.id, "cambio", f"{url_base}/citas/{token}", ahora)
    return estado(alm, token)


_OCUPADOS = text(
    "SELECT inicio_ms, ocupados FROM cita_cupo WHERE tramite_id = :t"
    " AND inicio_ms >= :desde AND inicio_ms < :hasta"
)


def disponibilidad(
    alm: Almacen, centro_slug: str, tramite_clave: str, desde: date, hasta: date, ahora: datetime
) -> dict[str, Any]:
    """Horarios ofrecidos con sus lugares libres (0 = lleno), en la hora del centro."""
    if hasta < desde:
        raise EntradaInvalida("«hasta» debe ser igual o posterior a «desde».")
    if (hasta - desde).days > 92:
        raise EntradaInvalida("Consulte a lo más 92 días a la vez.")
    with alm.lectura() as conn:
        c = consultas.centro(conn, centro_slug)
        tr = consultas.tramite(conn, c.id, tramite_clave)
        agenda = lecturas.agenda(conn, tr.id)
        lista = dom.ofrecidos(agenda, lecturas.centro_agenda(c), ahora, desde, hasta)
        ocupados: dict[int, int] = {}
        if lista:
            rango = {
                "t": tr.id,
                "desde": a_ms(lista[0].inicio),
                "hasta": a_ms(lista[-1].inicio + timedelta(seconds=1)),
            }
            ocupados = dict(conn.execute(_OCUPADOS, rango).all())
            for i, n in apartados.vencidos_en(
                conn, tr.id, rango["desde"], rango["hasta"], a_ms(ahora)
            ).items():
                ocupados[i] = ocupados.get(i, 0) - n
    lugares = agenda.lugares
    return {
        "tramite": tr.clave,
        "horarios": [
            {
                "inicio": h.inicio_local,
                "fin": h.fin_local,
                "libres": max(0, lugares - ocupados.get(h.inicio_ms, 0)),
            }
            for h in lista
        ],
    }


def para_ics(alm: Almacen, token: str, enlace: str) -> DatosIcs:
    """Lo que lleva el .ics de la cita (ver citas.ics)."""
    with alm.lectura() as conn:
        f = lecturas.cita_por_token(conn, token)
        return lecturas.datos_ics(conn, f, consultas.centro(conn, f.centro_slug), enlace)


def apartar(
    alm: Almacen,
    centro_slug: str,
    tramite_clave: str,
    inicio_texto: Any,
    ahora: datetime,
    previo: str | None = None,
) -> dict[str, Any]:
    """Aparta un lugar del horario por `apartados.DURACION_MIN` minutos (ver citas.apartados);
    suelta antes el apartado `previo` de la misma persona. Sin lugar: `cupo_agotado`."""
    inicio = leer_inicio(inicio_texto)
    ms = a_ms(ahora)
    with alm.transaccion() as tx:
        c = consultas.centro(tx.conn, centro_slug)
        tr = consultas.tramite(tx.conn, c.id, tramite_clave)
        agenda, h = _horario(tx, c, tr.id, inicio, ahora)
        apartados.soltar(tx, previo)
        inicio_ms = a_ms(h.inicio)
        _ocupar(tx, tr.id, inicio_ms, agenda.lugares, ms)
        r = apartados.guardar(tx, tr.id, inicio_ms, ahora)
    return {**r, "expira": iso(r["expira_ms"], c.zona)}

"""Encuestas sobre los servicios reales (SQLite y PostgreSQL): una por turno atendido (también
transferido: una vez, al final), ninguna por ausente, una sola respuesta, la clave en la vista
pública, la pendiente de cada ventanilla y los reportes con cifras calculadas a mano."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from encuestas import resultados, servicio
from tests.conftest import AHORA, minutos
from turnos.dominio.estados import Accion
from turnos.errores import Conflicto, EntradaInvalida, NoEncontrado
from turnos.servicios import atencion, emision, ventanillas

DIA = date(2026, 11, 23)


def abrir(alm, centro, n=1):
    quien = centro.staff[n - 1] if n <= len(centro.staff) else centro.jefe
    ventanillas.cambiar_estado(alm, "prueba", n, "abierta", quien, AHORA)


def atender(alm, centro, tramite="A", en=0, llamar=5, fin=10, n=1, accion=Accion.FINALIZAR):
    """Emite en `en`, la ventanilla `n` llama en `llamar` y cierra en `fin` (minutos)."""
    t = emision.emitir(alm, "prueba", tramite, centro.kiosco, minutos(en))
    quien = centro.staff[n - 1] if n <= len(centro.staff) else centro.jefe
    atencion.llamar(alm, "prueba", n, quien, minutos(llamar))
    atencion.actuar(alm, "prueba", n, accion, quien, minutos(fin))
    return t


def encuestas(alm):
    with alm.lectura() as c:
        return c.execute(text("SELECT * FROM encuesta ORDER BY id")).all()


def test_turno_atendido_abre_una_encuesta_con_sus_tiempos(alm, centro):
    abrir(alm, centro)
    t = atender(alm, centro, en=0, llamar=5, fin=12)
    [e] = encuestas(alm)
    assert (e.espera_s, e.atencion_s, e.calificacion, e.respondida_ms) == (300, 420, None, None)
    assert e.usuario_id == centro.staff[0].id and len(e.clave) >= 20
    # La vista pública del turno lleva la clave (GET /api/v1/turnos/{token}).
    assert emision.estado_publico(alm, t["token"])["encuesta"] == e.clave
    assert servicio.pendiente(alm, "prueba", 1, minutos(13))["clave"] == e.clave
    assert servicio.pendiente(alm, "prueba", 2, minutos(13)) is None  # otra ventanilla: nada


def test_ausente_no_se_encuesta_y_en_espera_no_tiene_clave(alm, centro):
    abrir(alm, centro)
    t = atender(alm, centro, accion=Accion.AUSENTE)
    otro = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(11))
    assert encuestas(alm) == []
    assert emision.estado_publico(alm, t["token"])["encuesta"] is None
    assert emision.estado_publico(alm, otro["token"])["encuesta"] is None


def test_transferido_se_encuesta_una_vez_al_final(alm, centro):
    abrir(alm, centro)
    v1 = centro.staff[0]
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    atencion.llamar(alm, "prueba", 1, v1, minutos(5))
    atencion.actuar(alm, "prueba", 1, Accion.INICIAR, v1, minutos(7))
    atencion.actuar(alm, "prueba", 1, Accion.TRANSFERIR, v1, minutos(10), tramite_destino="C")
    assert encuestas(alm) == []
    ventanillas.cambiar_estado(alm, "prueba", 99, "abierta", centro.jefe, minutos(10))
    atencion.llamar(alm, "prueba", 99, centro.jefe, minutos(12))
    atencion.actuar(alm, "prueba", 99, Accion.FINALIZAR, centro.jefe, minutos(20))
    [e] = encuestas(alm)
    # Espera total 5 + 2 min; atención total 3 (7→10) + 8 (12→20) min. Trámite final: C.
    assert (e.espera_s, e.atencion_s) == (420, 660)
    with alm.lectura() as c:
        raiz = c.execute(
            text("SELECT id FROM turno WHERE token = :t AND tramo = 1"), {"t": t["token"]}
        ).scalar_one()
        clave_c = c.execute(text("SELECT id FROM tramite WHERE clave = 'C'")).scalar_one()
    assert (e.turno_id, e.tramite_id) == (raiz, clave_c)
    assert emision.estado_publico(alm, t["token"])["encuesta"] == e.clave


def test_una_sola_respuesta_y_clave_desconocida(alm, centro):
    abrir(alm, centro)
    t = atender(alm, centro)
    [e] = encuestas(alm)
    r = servicio.responder(
        alm,
        e.clave,
        {"calificacion": 2, "motivos": ["trato", "espera"], "comentario": " x "},
        minutos(11),
        "tableta",
    )
    assert r["estado"] == "respondida" and r["calificacion"] == 2
    with pytest.raises(Conflicto) as ya:
        servicio.responder(alm, e.clave, {"calificacion": 5}, minutos(12), "telefono")
    assert ya.value.codigo == "encuesta_respondida"
    with pytest.raises(NoEncontrado):
        servicio.responder(alm, "no-existe", {"calificacion": 5}, minutos(12), "telefono")
    [e] = encuestas(alm)
    assert (e.calificacion, e.motivos, e.comentario, e.canal) == (2, "espera,trato", "x", "tableta")
    # Respondida: la vista ya no ofrece la encuesta y la tableta vuelve a reposo.
    assert emision.estado_publico(alm, t["token"])["encuesta"] is None
    assert servicio.pendiente(alm, "prueba", 1, minutos(12)) is None
    with alm.lectura() as c:
        ev = c.execute(
            text("SELECT publico FROM evento WHERE tipo = 'encuesta_respondida'")
        ).scalar_one()
    assert e.clave not in ev and '"numero":1' in ev  # el evento público no lleva la clave


@pytest.mark.parametrize(
    "datos",
    [
        {},
        {"calificacion": 0},
        {"calificacion": 6},
        {"calificacion": True},
        {"calificacion": "5"},
        {"calificacion": 1, "motivos": ["otro"]},
        {"calificacion": 1, "motivos": "trato"},
        {"calificacion": 4, "comentario": "x" * 501},
        {"calificacion": 4, "reactivos": {"trato": 5}},  # el centro no lo pregunta
    ],
)
def test_respuestas_invalidas(alm, centro, datos):
    abrir(alm, centro)
    atender(alm, centro)
    [e] = encuestas(alm)
    with pytest.raises(EntradaInvalida):
        servicio.responder(alm, e.clave, datos, minutos(11), "telefono")
    assert encuestas(alm)[0].respondida_ms is None


def test_la_base_impide_dos_encuestas_por_turno(alm, centro):
    abrir(alm, centro)
    atender(alm, centro)
    [e] = encuestas(alm)
    with pytest.raises(IntegrityError), alm.transaccion() as tx:
        tx.ejecutar(
            text(
                "INSERT INTO encuesta (centro_id, turno_id, clave, tramite_id, ventanilla_id,"
                " espera_s, atencion_s, creada_ms, canal, motivos, reactivos, comentario,"
                " manifestacion) VALUES (:c, :t, 'otra', :tr, :v, 0, 0, 0, '', '', '{}', '', '')"
            ),
            {"c": e.centro_id, "t": e.turno_id, "tr": e.tramite_id, "v": e.ventanilla_id},
        )


def test_una_nueva_reemplaza_a_la_no_respondida(alm, centro):
    abrir(alm, centro)
    atender(alm, centro, en=0, llamar=1, fin=2)
    atender(alm, centro, en=0, llamar=3, fin=4)
    primera, segunda = encuestas(alm)
    assert servicio.pendiente(alm, "prueba", 1, minutos(5))["clave"] == segunda.clave
    # La reemplazada sigue valiendo en el teléfono (misma clave de su ticket).
    servicio.responder(alm, primera.clave, {"calificacion": 5}, minutos(6), "telefono")
    assert servicio.pendiente(alm, "prueba", 1, minutos(6))["clave"] == segunda.clave
    # Vencida para la tableta, sigue pendiente para el teléfono.
    assert servicio.pendiente(alm, "prueba", 1, minutos(4 + 16)) is None


def _con_respuestas(alm, centro, casos):
    """casos: (trámite, ventanilla, minuto de emisión, minuto de llamado, calificación|None)."""
    for n in (1, 2):
        abrir(alm, centro, n)
    fin = 0
    for tramite, n, en, llamar, cal in casos:
        fin = max(fin, llamar) + 1
        atender(alm, centro, tramite, en=en, llamar=llamar, fin=fin, n=n)
        if cal is not None:
            clave = encuestas(alm)[-1].clave
            servicio.responder(alm, clave, {"calificacion": cal}, minutos(fin), "telefono")


def test_reportes_con_cifras_a_mano(alm, centro):
    casos = [
        ("A", 1, 0, 2, 5),  # espera 2 min
        ("A", 1, 0, 4, 4),  # 4 min
        ("A", 2, 0, 12, 2),  # 12 min
        ("A", 2, 0, 14, None),  # sin respuesta
        ("B", 1, 0, 40, 3),  # 40 min
        ("B", 2, 0, 70, 5),  # 70 min
    ]
    _con_respuestas(alm, centro, casos)
    with alm.lectura() as conn:
        cid = conn.execute(text("SELECT id FROM centro WHERE slug = 'prueba'")).scalar_one()
        args = (cid, DIA, DIA, "America/Mexico_City")
        tramite = resultados.por_tramite(conn, *args)
        ventanilla = resultados.por_ventanilla(conn, *args)
        personal = resultados.por_personal(conn, *args)
        espera = resultados.por_espera(conn, *args)
        hora = resultados.por_hora(conn, *args)
        abiertos = resultados.datos_abiertos(conn, *args)
        evidencia = resultados.evidencia(conn, *args)
        otro_dia = resultados.por_tramite(
            conn, cid, date(2026, 11, 24), date(2026, 11, 24), args[3]
        )
    # A: 3 respuestas (5, 4, 2) de 4 atendidos → CSAT 2/3 = 66.7 %, tasa 75 %, promedio 3.67.
    a = tramite[0]
    assert (a["tramite"], a["respuestas"], a["atendidos"]) == ("A", 3, 4)
    assert (a["csat_pct"], a["tasa_respuesta_pct"], a["promedio"]) == (66.7, 75.0, 3.67)
    # Wilson 2/3: centro (2/3 + z²/6)/(1 + z²/3), margen z·√(2/27 + z²/36)/(1 + z²/3).
    assert (a["ic95_inferior_pct"], a["ic95_superior_pct"]) == (20.8, 93.9)
    b = tramite[1]  # B: 3 y 5 → 1/2
    assert (b["respuestas"], b["csat_pct"], b["tasa_respuesta_pct"]) == (2, 50.0, 100.0)
    total = tramite[2]
    assert (total["tramite_nombre"], total["respuestas"], total["atendidos"]) == ("Total", 5, 6)
    assert (total["csat_pct"], total["tasa_respuesta_pct"]) == (60.0, 83.3)
    # Ventanilla 1: 5, 4, 3 → 2/3; ventanilla 2: 2, 5 (y una sin respuesta) → 1/2.
    assert [
        (v["ventanilla"], v["respuestas"], v["csat_pct"], v["atendidos"]) for v in ventanilla
    ] == [
        (1, 3, 66.7, 3),
        (2, 2, 50.0, 3),
    ]
    # Por persona: menos de 10 respuestas → sin cifra (n a la vista).
    assert [(p["personal"], p["respuestas"], p["csat_pct"]) for p in personal] == [
        ("Persona 1", 3, None),
        ("Persona 2", 2, None),
    ]
    # Satisfacción vs espera: cada respuesta en su tramo de minutos.
    assert [(e["tramite"], e["espera"], e["respuestas"], e["csat_pct"]) for e in espera] == [
        ("A", "0–5 min", 2, 100.0),
        ("A", "10–15 min", 1, 0.0),
        ("B", "30–45 min", 1, 0.0),
        ("B", "60+ min", 1, 100.0),
    ]
    # Cierres a los minutos 3, 5, 13, 15, 41 y 71 desde las 10:00 (hora del centro).
    assert [(h["hora"], h["atendidos"]) for h in hora] == [("10:00", 5), ("11:00", 1)]
    assert abiertos[0] == {
        "tramite": "A",
        "atendidos": 4,
        "respuestas": 3,
        "calificacion_1": 0,
        "calificacion_2": 1,
        "calificacion_3": 0,
        "calificacion_4": 1,
        "calificacion_5": 1,
        "csat_pct": 66.7,
        "tasa_respuesta_pct": 75.0,
    }
    assert evidencia[0]["valor"] == "60.0 % (n = 5; IC 95 %: 23.1–88.2 %)"
    assert evidencia[1]["valor"] == "83.3 %"
    assert otro_dia == []

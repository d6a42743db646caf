"""Posición y rango de espera con la misma política que `llamar`, en SQLite y PostgreSQL."""

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosco.impresion import preparar
from tests.conftest import AHORA, minutos
from turnos.dominio.estados import Accion
from turnos.servicios import atencion, emision, ventanillas


def abrir(alm, centro, n=1, cuando=AHORA):
    ventanillas.cambiar_estado(alm, "prueba", n, "abierta", centro.staff[n - 1], cuando)


def test_escenario_general_general_preferente(alm, centro):
    """El del issue: el kiosco decía «2 personas antes» al preferente y lo llamaron primero."""
    g1 = emision.emitir(alm, "prueba", "A", centro.kiosco, AHORA)
    g2 = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))
    pref = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(2), clase="preferente")
    # Ninguna ventanilla abierta: la posición sí, el rango no («sin estimación»).
    assert pref["personas_delante"] == 0 and pref["espera_estimada"] is None
    publicos = {
        t["folio"]: emision.estado_publico(alm, t["token"], minutos(2)) for t in (g1, g2, pref)
    }
    assert {f: p["personas_delante"] for f, p in publicos.items()} == {
        "A-001": 1,
        "A-002": 2,
        "A-003": 0,
    }
    abrir(alm, centro, 1, minutos(3))
    ticket = preparar(alm, pref["token"], "https://x", centro.kiosco.id, minutos(3))
    assert ticket.datos.personas_delante == 0
    assert ticket.datos.espera_min == 0 and ticket.datos.espera_max is not None
    p1 = emision.estado_publico(alm, g1["token"], minutos(3))
    assert p1["personas_delante"] == 1
    rango = p1["espera_estimada"]
    assert rango is not None and 0 <= rango["min_s"] < rango["max_s"]
    llamados = []
    for k in range(3):
        llamados.append(atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(4 + k))["folio"])
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, centro.staff[0], minutos(4 + k))
    assert llamados == ["A-003", "A-001", "A-002"]


_dia = itertools.count(1)

turnos_st = st.lists(
    st.tuples(
        st.sampled_from(["general", "preferente", "cita"]),
        st.integers(0, 90),  # minuto de emisión
        st.sampled_from(["A", "B"]),
        st.integers(-45, 45),  # minutos de la cita respecto a la llegada
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(turnos_st)
def test_orden_predicho_es_el_orden_real_de_llamar(alm, centro, datos):
    """Sin llegadas nuevas, `personas_delante` de cada turno es su lugar en los llamados reales
    (A vence a los 30 min, así que también suben vencidos). Cada ejemplo, en un día nuevo."""
    base = AHORA + timedelta(days=next(_dia))
    abrir(alm, centro, 1, base)
    emitidos = []
    for clase, minuto, tramite, cita in sorted(datos, key=lambda d: d[1]):
        cuando = base + timedelta(minutes=minuto)
        extra = {}
        if clase == "cita":
            extra = {
                "origen": "cita",
                "cita_ms": int((cuando + timedelta(minutes=cita)).timestamp() * 1000),
            }
        emitidos.append(
            emision.emitir(alm, "prueba", tramite, centro.kiosco, cuando, clase=clase, **extra)
        )
    ahora = base + timedelta(minutes=95)
    predicho = {
        t["token"]: emision.estado_publico(alm, t["token"], ahora)["personas_delante"]
        for t in emitidos
    }
    # Sin historia de atenciones, el estimador usa la meta de A (15 min) y 1 ventanilla: un
    # llamado cada 15 min. Se llama a ese ritmo (atención instantánea: no cambia la historia).
    real = []
    for k in range(len(emitidos)):
        cuando = ahora + timedelta(minutes=15 * k)
        real.append(atencion.llamar(alm, "prueba", 1, centro.staff[0], cuando)["folio"])
        atencion.actuar(alm, "prueba", 1, Accion.FINALIZAR, centro.staff[0], cuando)
    por_folio = {t["folio"]: predicho[t["token"]] for t in emitidos}
    assert sorted(por_folio, key=por_folio.__getitem__) == real
    assert sorted(por_folio.values()) == list(range(len(emitidos)))


def test_emitir_estima_despues_del_commit(alm, centro):
    """La estimación (lee toda la fila) no corre dentro de la transacción que escribe el turno:
    en SQLite alargaba el candado de escritura. Se observa el orden real de sentencias y COMMIT."""
    from sqlalchemy import event

    abrir(alm, centro, 1)
    emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))
    orden: list[str] = []

    def sentencia(conn, cursor, sql, params, contexto, varios):
        if sql.startswith("INSERT INTO turno "):
            orden.append("insertar")
        elif "t.estado = " in sql and "t.tramite_id IN" in sql:  # la fila que lee el estimador
            orden.append("estimar")

    def confirmar(conn):
        orden.append("commit")

    event.listen(alm.motor, "before_cursor_execute", sentencia)
    event.listen(alm.motor, "commit", confirmar)
    try:
        t = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(2), clase="preferente")
    finally:
        event.remove(alm.motor, "before_cursor_execute", sentencia)
        event.remove(alm.motor, "commit", confirmar)
    assert orden.index("insertar") < orden.index("commit") < orden.index("estimar")
    # El contrato no cambia: el preferente va primero y hay rango (una ventanilla abierta).
    assert t["personas_delante"] == 0 and t["espera_estimada"] is not None


def test_camino_rapido_da_lo_mismo_que_el_completo(alm, centro):
    """Sin dirigidos ni citas, `estimar_en_espera` mezcla grupos FIFO (`dominio.delante`) en vez
    de armar un `Candidato` por turno: mismo resultado que el camino completo, turno por turno,
    con vencidos en el camino (A vence a los 30 min) y ventanillas libres y ocupadas."""
    from turnos.servicios import estimacion

    abrir(alm, centro, 1)
    abrir(alm, centro, 2)
    emitidos = [
        emision.emitir(
            alm,
            "prueba",
            "AB"[k % 2],
            centro.kiosco,
            minutos(k % 7 + k // 3),
            clase=("general", "preferente")[k % 3 == 0],
        )  # fmt: skip
        for k in range(14)
    ]
    atencion.llamar(alm, "prueba", 1, centro.staff[0], minutos(12))
    ms = int(minutos(40).timestamp() * 1000)
    with alm.lectura() as conn:
        c = emision.consultas.centro(conn, "prueba")
        filas = conn.execute(
            emision.text("SELECT id, tramite_id FROM turno WHERE estado = 'en_espera'")
        ).all()
        assert len(filas) == len(emitidos) - 1
        vents, metas = estimacion._ventanillas_y_metas(conn, c.id)
        con_rango = 0
        for f in filas:
            args = (conn, f.id, c.id, f.tramite_id, ms, c.politica)
            completo = estimacion._completo(*args, vents, metas, {})
            assert estimacion.estimar_en_espera(*args) == completo
            con_rango += completo.min_s is not None  # B no tiene meta ni historia: sin rango
        assert con_rango > 0


def test_trámites_de_ventanilla_en_caché_siguen_al_catálogo_de_otro_proceso(alm, centro, db_url):
    """Los trámites de cada ventanilla se guardan por proceso bajo la versión del catálogo: si
    OTRO proceso (otro Almacén, otra conexión) le asigna o quita un trámite a una ventanilla, la
    siguiente estimación de este lo ve."""
    from turnos.db.almacen import Almacen
    from turnos.db.motor import crear_motor
    from turnos.servicios import catalogo

    # La 99 atiende solo C; las de A y B están cerradas.
    ventanillas.cambiar_estado(alm, "prueba", 99, "abierta", centro.staff[0], AHORA)
    a = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))
    assert a["espera_estimada"] is None  # nadie abierto atiende A (y la caché ya se llenó)
    motor = crear_motor(db_url)
    otro = Almacen(motor)
    try:
        catalogo.guardar_ventanilla(otro, "prueba", 99, "Ventanilla C", ["C", "A"], minutos(2))
        assert emision.estado_publico(alm, a["token"], minutos(3))["espera_estimada"] is not None
        catalogo.guardar_ventanilla(otro, "prueba", 99, "Ventanilla C", ["C"], minutos(4))
        assert emision.estado_publico(alm, a["token"], minutos(5))["espera_estimada"] is None
    finally:
        motor.dispose()


def test_trámites_de_ventanilla_se_leen_una_vez_por_versión_del_catálogo(alm, centro):
    from sqlalchemy import event

    abrir(alm, centro, 1)
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(1))
    lecturas = []

    def contar(conn, cursor, sql, *args):  # noqa: ANN001, ANN202 - firma del evento
        if "FROM ventanilla_tramite vt JOIN ventanilla v" in sql:
            lecturas.append(sql)

    event.listen(alm.motor, "before_cursor_execute", contar)
    try:
        for k in range(3):
            assert emision.estado_publico(alm, t["token"], minutos(2 + k))["espera_estimada"]
        assert lecturas == []  # emitir ya la llenó: ni una lectura más
        emision.emitir(alm, "prueba", "B", centro.kiosco, minutos(5))  # no toca el catálogo
        emision.estado_publico(alm, t["token"], minutos(6))
        assert lecturas == []
    finally:
        event.remove(alm.motor, "before_cursor_execute", contar)

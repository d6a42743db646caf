"""El reporte del buzón con cifras calculadas a mano sobre un escenario fijo: conteos, medianas,
dentro de plazo, exactitud de canalización (primera unidad = la que cerró), matriz de re-ruteo,
quejas por 1,000 turnos atendidos, textos sin contacto y sin denuncias, datos abiertos."""

from __future__ import annotations

from datetime import date, timedelta

from buzon import atencion, casos, reportes
from tests.buzon_apoyo import con_catalogo
from tests.conftest import AHORA, minutos
from turnos.dominio.estados import Accion
from turnos.servicios import atencion as ventanilla
from turnos.servicios import emision, ventanillas

ZONA = "America/Mexico_City"
DESDE, HASTA = date(2026, 11, 23), date(2026, 12, 31)


def _dia(n: float):
    return AHORA + timedelta(days=n)


def _atendido(alm, centro, minuto):
    t = emision.emitir(alm, "prueba", "A", centro.kiosco, minutos(minuto))
    ventanilla.llamar(alm, "prueba", 1, centro.staff[0], minutos(minuto + 1))
    ventanilla.actuar(alm, "prueba", 1, Accion.INICIAR, centro.staff[0], minutos(minuto + 2))
    ventanilla.actuar(alm, "prueba", 1, Accion.FINALIZAR, centro.staff[0], minutos(minuto + 3))
    return t


def _escenario(alm, centro):
    u = con_catalogo(alm)
    jefe = centro.jefe
    ventanillas.cambiar_estado(alm, "prueba", 1, "abierta", centro.staff[0], AHORA)
    t1 = _atendido(alm, centro, 0)
    _atendido(alm, centro, 10)

    def abrir(tipo, asunto="", cuando=0.0, **kw):
        return casos.abrir(
            alm,
            "prueba",
            tipo=tipo,
            descripcion=kw.pop("texto", f"texto {tipo}"),
            asunto=asunto,
            canal="web",
            ahora=_dia(cuando),
            **kw,
        )["folio"]

    def estado(folio, a, cuando, texto=""):
        atencion.cambiar_estado(alm, "prueba", folio, a, texto, jefe, _dia(cuando))

    # q1: trato → Atención; responde a los 2 días, cierra a los 3 (bien canalizada, a tiempo).
    q1 = abrir(
        "queja",
        "trato",
        0.5,
        texto="Me trataron mal; escríbanme a ana@x.mx",
        turno_folio=t1["folio"],
    )
    estado(q1, "respondida", 2.5, "Hablamos con el personal")
    estado(q1, "cerrada", 3.5, "Resuelto")
    # q2: kiosco → Sistemas; se re-canaliza a Atención; responde y cierra a los 12 días (tarde).
    q2 = abrir("queja", "kiosco", 0.5)
    atencion.canalizar(alm, "prueba", q2, u["atencion"], "No era del kiosco", jefe, _dia(1.5))
    estado(q2, "respondida", 12.5, "Listo")
    estado(q2, "cerrada", 12.5, "Listo")
    # s1: sin asunto → Atención; no procede al día (cerrada sin respuesta: atendida al cerrar).
    s1 = abrir("sugerencia", "", 0.5)
    estado(s1, "no_procede", 1.5, "No aplica")
    abrir("denuncia", "", 0.5, texto="Pidieron dinero")  # → Contraloría, abierta
    abrir("felicitacion", "", 1.5)  # abierta
    return u


def test_cifras_del_reporte_a_mano(alm, centro):
    _escenario(alm, centro)
    with alm.lectura() as conn:
        por_tipo = {f["tipo"]: f for f in reportes.por_tipo(conn, 1, DESDE, HASTA, ZONA)}
        canal = reportes.canalizacion(conn, 1, DESDE, HASTA, ZONA)
        reruteo = reportes.reruteo(conn, 1, DESDE, HASTA, ZONA)
        quejas = {f["tramite"]: f for f in reportes.quejas_por_tramite(conn, 1, DESDE, HASTA, ZONA)}
        textos = reportes.textos(conn, 1, DESDE, HASTA, ZONA)
        desglose = reportes.desglose(conn, 1, DESDE, HASTA, ZONA)
        abiertos = reportes.abiertos(conn, 1, DESDE, HASTA, ZONA)
        evidencia = reportes.evidencia(conn, 1, DESDE, HASTA, ZONA)
        vacio = reportes.por_tipo(conn, 1, date(2026, 10, 1), date(2026, 10, 31), ZONA)
    # quejas: respuesta a 2 y 12 días (mediana 7), resolución a 3 y 12 (7.5), 1 de 2 a tiempo.
    assert por_tipo["queja"] == {
        "tipo": "queja",
        "recibidas": 2,
        "abiertas": 0,
        "cerradas": 2,
        "mediana_dias_respuesta": 7.0,
        "mediana_dias_resolucion": 7.5,
        "a_tiempo_pct": 50.0,
    }
    assert por_tipo["sugerencia"] == {
        "tipo": "sugerencia",
        "recibidas": 1,
        "abiertas": 0,
        "cerradas": 1,
        "mediana_dias_respuesta": 1.0,
        "mediana_dias_resolucion": 1.0,
        "a_tiempo_pct": 100.0,
    }
    assert por_tipo["denuncia"]["recibidas"] == 1 and por_tipo["denuncia"]["abiertas"] == 1
    assert por_tipo["peticion"]["recibidas"] == 0 and por_tipo["peticion"]["a_tiempo_pct"] is None
    # total: 5 casos; atendidos a 2, 12 y 1 días (mediana 2); cerrados a 3, 12 y 1 (mediana 3);
    # a tiempo 2 de 3 = 66.7 %.
    assert por_tipo["total"] == {
        "tipo": "total",
        "recibidas": 5,
        "abiertas": 2,
        "cerradas": 3,
        "mediana_dias_respuesta": 2.0,
        "mediana_dias_resolucion": 3.0,
        "a_tiempo_pct": 66.7,
    }
    # Exactitud: de 3 cerrados, q1 y s1 los cerró su primera unidad; q2 no (Sistemas → Atención).
    assert canal == [
        {
            "grupo": "total",
            "cerrados": 3,
            "bien_canalizados": 2,
            "exactitud_pct": 66.7,
            "bien_y_a_tiempo": 2,
        },
        {
            "grupo": "canal: web",
            "cerrados": 3,
            "bien_canalizados": 2,
            "exactitud_pct": 66.7,
            "bien_y_a_tiempo": 2,
        },
        {
            "grupo": "asunto: (sin)",
            "cerrados": 1,
            "bien_canalizados": 1,
            "exactitud_pct": 100.0,
            "bien_y_a_tiempo": 1,
        },
        {
            "grupo": "asunto: kiosco",
            "cerrados": 1,
            "bien_canalizados": 0,
            "exactitud_pct": 0.0,
            "bien_y_a_tiempo": 0,
        },
        {
            "grupo": "asunto: trato",
            "cerrados": 1,
            "bien_canalizados": 1,
            "exactitud_pct": 100.0,
            "bien_y_a_tiempo": 1,
        },
    ]
    assert reruteo == [{"de": "Sistemas", "a": "Atención", "casos": 1}]
    # 1 queja ligada a un turno de A; 2 turnos de A atendidos → 500 por cada 1,000.
    assert quejas["A"] == {
        "tramite": "A",
        "nombre": quejas["A"]["nombre"],
        "quejas": 1,
        "atendidos": 2,
        "por_mil": 500.0,
    }
    # Cualitativo: sin la denuncia y sin el correo escrito en el texto.
    assert len(textos) == 4 and all(t["tipo"] != "denuncia" for t in textos)
    assert {
        "asunto": "trato",
        "tipo": "queja",
        "texto": "Me trataron mal; escríbanme a [correo]",
    } in textos
    assert {"dimension": "unidad", "valor": "Atención", "casos": 4} in desglose
    assert {"dimension": "unidad", "valor": "Contraloría", "casos": 1} in desglose
    assert {"dimension": "canal", "valor": "web", "casos": 5} in desglose
    # Datos abiertos: solo cifras.
    assert abiertos[-1] == {
        "tipo": "total",
        "recibidas": 5,
        "abiertas": 2,
        "cerradas": 3,
        "mediana_dias_respuesta": 2.0,
        "a_tiempo_pct": 66.7,
    }
    assert "Pidieron" not in str(abiertos) and "@" not in str(abiertos)
    assert [e["valor"] for e in evidencia] == ["5", "66.7 %", "66.7 %"]
    assert vacio[-1]["recibidas"] == 0


def test_prometheus_del_buzon(alm, centro):
    _escenario(alm, centro)
    texto = reportes.prometheus(alm).decode()
    assert 'turnos_buzon_casos{centro="prueba",tipo="queja",estado="cerrada"} 2' in texto
    assert "ana@x.mx" not in texto


def test_turnos_reporte_tabla_buzon(alm, centro, db_url):
    from tests.e2e.test_cli import turnos

    _escenario(alm, centro)
    r = turnos(
        "reporte",
        "--centro",
        "prueba",
        "--desde",
        "2026-11-23",
        "--hasta",
        "2026-12-31",
        "--formato",
        "csv",
        "--tabla",
        "buzon_canalizacion",
        db=db_url,
    )
    assert r.returncode == 0, r.stderr
    lineas = r.stdout.strip().splitlines()
    assert lineas[0] == "grupo,cerrados,bien_canalizados,exactitud_pct,bien_y_a_tiempo"
    assert lineas[1] == "total,3,2,66.7,2"
    r = turnos(
        "reporte",
        "--centro",
        "prueba",
        "--desde",
        "2026-11-23",
        "--hasta",
        "2026-12-31",
        "--formato",
        "csv",
        "--tabla",
        "buzon_reruteo",
        db=db_url,
    )
    assert r.stdout.strip().splitlines()[1:] == ["Sistemas,Atención,1"]

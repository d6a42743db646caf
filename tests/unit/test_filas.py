"""Tipos de fila de los servicios: un turno impreso en un log no lleva datos personales."""

from turnos.servicios.consultas import TurnoInfo


def test_el_repr_de_un_turno_no_lleva_nombre_contacto_ni_token():
    t = TurnoInfo(
        id=7,
        centro_id=1,
        raiz_id=None,
        tramo=1,
        folio="A-001",
        dia="2026-11-30",
        token="secreto-del-ticket",
        tramite_id=3,
        clase="general",
        origen="kiosco",
        estado="en_atencion",
        en_cola_ms=1,
        llamado_ms=2,
        inicio_ms=3,
        fin_ms=None,
        cita_ms=None,
        llamadas=1,
        ventanilla_id=2,
        usuario_id=5,
        motivo="",
        nombre="Ana Pérez",
        contacto="ana@example.mx",
        tramite_clave="LIC",
        tramite_nombre="Licencia",
        atencion_maxima_min=None,
        espera_maxima_min=None,
    )
    texto = repr(t)
    assert "A-001" in texto
    for privado in ("Ana Pérez", "ana@example.mx", "secreto-del-ticket"):
        assert privado not in texto

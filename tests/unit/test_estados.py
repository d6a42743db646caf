import pytest

from turnos.dominio.estados import FINALES, Accion, EstadoTurno, transicion
from turnos.errores import TransicionInvalida


def test_ciclo_normal():
    e = EstadoTurno.EN_ESPERA
    e = transicion(e, Accion.LLAMAR)
    assert e is EstadoTurno.LLAMADO
    assert transicion(e, Accion.RELLAMAR) is EstadoTurno.LLAMADO
    e = transicion(e, Accion.INICIAR)
    assert e is EstadoTurno.EN_ATENCION
    assert transicion(e, Accion.FINALIZAR) is EstadoTurno.ATENDIDO


@pytest.mark.parametrize("final", sorted(FINALES))
@pytest.mark.parametrize("accion", list(Accion))
def test_estados_finales_no_cambian(final, accion):
    if (final, accion) == (EstadoTurno.AUSENTE, Accion.REINCORPORAR):
        # la única salida de un estado final (dentro de la ventana; la exige el servicio)
        assert transicion(final, accion) is EstadoTurno.EN_ESPERA
        return
    with pytest.raises(TransicionInvalida) as e:
        transicion(final, accion)
    assert e.value.status == 409
    assert "No se puede" in e.value.mensaje


def test_no_se_inicia_sin_llamar():
    with pytest.raises(TransicionInvalida, match="en espera"):
        transicion(EstadoTurno.EN_ESPERA, Accion.INICIAR)


def test_ausente_solo_si_fue_llamado():
    assert transicion(EstadoTurno.LLAMADO, Accion.AUSENTE) is EstadoTurno.AUSENTE
    with pytest.raises(TransicionInvalida):
        transicion(EstadoTurno.EN_ATENCION, Accion.AUSENTE)


def test_en_atencion_no_expira():
    # el cierre del día finaliza a quien está en atención (docs/KPIS.md)
    with pytest.raises(TransicionInvalida):
        transicion(EstadoTurno.EN_ATENCION, Accion.EXPIRAR)


def test_ventanilla_solo_por_su_tabla():
    from turnos.dominio.estados import AccionVentanilla as AV
    from turnos.dominio.estados import EstadoVentanilla as EV
    from turnos.dominio.estados import transicion_ventanilla

    assert transicion_ventanilla(EV.CERRADA, AV.ABRIR) is EV.ABIERTA
    assert transicion_ventanilla(EV.ABIERTA, AV.OCUPAR) is EV.ATENDIENDO
    assert transicion_ventanilla(EV.ATENDIENDO, AV.DESOCUPAR) is EV.ABIERTA
    assert transicion_ventanilla(EV.EN_PAUSA, AV.LIBERAR) is EV.CERRADA
    assert all(transicion_ventanilla(e, AV.CIERRE_DIA) is EV.CERRADA for e in EV)
    for estado, accion in [
        (EV.CERRADA, AV.PAUSAR),
        (EV.CERRADA, AV.CERRAR),
        (EV.ATENDIENDO, AV.PAUSAR),
        (EV.ATENDIENDO, AV.LIBERAR),
        (EV.EN_PAUSA, AV.OCUPAR),
    ]:
        with pytest.raises(TransicionInvalida, match="No se puede") as e:
            transicion_ventanilla(estado, accion)
        assert e.value.status == 409

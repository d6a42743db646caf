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

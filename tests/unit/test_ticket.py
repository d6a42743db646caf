"""Ticket ESC/POS a nivel de bytes, para cada perfil de impresora de firmware_config/."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import qrcode

from firmware_config import cargar_perfil_impresora, cargar_todos
from kiosco.ticket import DatosTicket, renderizar_texto, renderizar_ticket
from tests.escpos_decodificar import Comando, decodificar, textos

PERFILES = sorted(cargar_todos().impresoras.values(), key=lambda p: p.nombre)
MX = ZoneInfo("America/Mexico_City")
URL = "https://turnos.guanajuato.gob.mx/t/Xk3f9QmZp2LrT8vW1yBnAe7Q"


def datos(**cambios: object) -> DatosTicket:
    base: dict[str, object] = dict(
        centro="Centro MAS Álamo — Guanajuato",
        folio="P-023",
        tramite="Corrección de AÑO en acta de nacimiento",
        clase="preferente",
        emitido=datetime(2025, 11, 21, 10, 35, tzinfo=MX),
        personas_delante=4,
        espera_min=10,
        espera_max=20,
        url_seguimiento=URL,
        pie=(
            "Horario: lunes a viernes de 8:30 a 15:30 h",
            "Este trámite es gratuito",
            "¿Le pidieron dinero? ¡Denúncielo! Buzón MAS o 800 470 7500",
        ),
    )
    base.update(cambios)
    return DatosTicket(**base)  # type: ignore[arg-type]


def con_nombre(comandos: list[Comando], nombre: str) -> list[Comando]:
    return [c for c in comandos if c.nombre == nombre]


@pytest.fixture(params=PERFILES, ids=lambda p: p.nombre)
def perfil(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return request.param


def test_hay_perfiles_de_58_y_80_mm() -> None:
    anchos = {p.ancho_papel_px for p in PERFILES}
    assert {384, 576} <= anchos


def test_inicia_y_fuerza_cp850(perfil) -> None:  # type: ignore[no-untyped-def]
    salida = renderizar_ticket(datos(), perfil)
    comandos = decodificar(salida)
    assert salida.startswith(b"\x1b@\x1bt\x02")  # ESC @, luego ESC t 2 (CP850)
    assert comandos[0] == Comando("inicializar")
    # Una sola selección de tabla: la Á y la É no hacen que python-escpos cambie a CP857.
    assert con_nombre(comandos, "tabla") == [Comando("tabla", 2)]
    assert not con_nombre(comandos, "inicializar")[1:]


def test_folio_en_doble_tamano(perfil) -> None:  # type: ignore[no-untyped-def]
    comandos = decodificar(renderizar_ticket(datos(), perfil))
    i = next(n for n, c in enumerate(comandos) if c == Comando("texto", datos=b"P-023"))
    modo = [c for c in comandos[:i] if c.nombre == "modo"][-1]
    assert modo.valor is not None and modo.valor & 0x30 == 0x30  # doble alto y doble ancho
    # y vuelve al tamaño normal después del folio
    assert any(c == Comando("modo", 0) for c in comandos[i:])


def test_textos_en_cp850(perfil) -> None:  # type: ignore[no-untyped-def]
    salida = renderizar_ticket(datos(), perfil)
    assert b"Tr\xa0mite: Correcci\xa2n de A\xa5O" in salida
    assert b"\xb5lamo" in salida  # Á
    assert b"\xa8Le pidieron" in salida and b"\xadDen\xa3ncielo!" in salida  # ¿ ¡ ú
    renglones = textos(decodificar(salida))
    seguido = " ".join(" ".join(renglones).split())  # sin los cortes de renglón del papel
    assert "Centro MAS Álamo - Guanajuato" in seguido  # la raya larga no existe en CP850
    assert "Su turno es" in renglones and "Atención preferente" in renglones
    assert "viernes 21 de noviembre de 2025, 10:35 h" in seguido
    assert "4 personas antes que usted" in renglones
    assert "Espera estimada: 10 a 20 min" in renglones
    assert "Este trámite es gratuito" in renglones
    assert "?" not in "".join(renglones).replace("dinero?", "")


def _matriz_de_raster(c: Comando, modulos: int) -> list[list[bool]] | None:
    if c.alto % modulos:
        return None
    m = c.alto // modulos
    if modulos * m > c.ancho_bytes * 8:
        return None

    def negro(x: int, y: int) -> bool:
        return bool(c.datos[y * c.ancho_bytes + x // 8] & (0x80 >> (x % 8)))

    return [[negro(x * m + m // 2, y * m + m // 2) for x in range(modulos)] for y in range(modulos)]


def _es_qr_de(c: Comando, contenido: str) -> bool:
    """¿La imagen raster es exactamente el QR de `contenido` (con algún nivel y máscara)?"""
    for nivel in range(4):
        for mascara in range(8):
            qr = qrcode.QRCode(error_correction=nivel, border=0, mask_pattern=mascara)
            qr.add_data(contenido)
            qr.make(fit=True)
            esperado = qr.get_matrix()
            if _matriz_de_raster(c, len(esperado)) == esperado:
                return True
    return False


def test_qr_imagen_o_nativo_segun_perfil(perfil) -> None:  # type: ignore[no-untyped-def]
    comandos = decodificar(renderizar_ticket(datos(), perfil))
    raster, nativo = con_nombre(comandos, "raster"), con_nombre(comandos, "qr_nativo")
    alineacion = [c for c in comandos if c.nombre in ("alinear", "raster", "qr_nativo")]
    if perfil.qr_nativo:
        assert not raster
        assert [c.datos for c in nativo if c.valor == 80] == [URL.encode()]
        assert alineacion[alineacion.index(nativo[0]) - 1] == Comando("alinear", 1)
    else:
        assert not nativo
        (imagen,) = raster
        assert imagen.valor == 0  # GS v 0 en densidad normal
        assert imagen.ancho_bytes * 8 < perfil.ancho_papel_px / 2  # no se centró a lo ancho
        assert alineacion[alineacion.index(imagen) - 1] == Comando("alinear", 1)
        assert _es_qr_de(imagen, URL)


def test_corte_solo_con_cortador(perfil) -> None:  # type: ignore[no-untyped-def]
    comandos = decodificar(renderizar_ticket(datos(), perfil))
    cortes = con_nombre(comandos, "corte")
    if perfil.cortador:
        assert cortes and comandos[-1].nombre == "corte"
    else:
        assert not cortes


def test_tamano_maximo_6_kb(perfil) -> None:  # type: ignore[no-untyped-def]
    largo = datos(
        tramite="Expedición de constancia de no inhabilitación para desempeñar empleo público " * 2,
        url_seguimiento=URL + "?o=kiosco-12&c=leon-centro",
        pie=datos().pie * 2,
    )
    assert len(renderizar_ticket(largo, perfil)) <= 6 * 1024


def test_58_mm_envuelve_a_32_columnas() -> None:
    perfil = cargar_perfil_impresora("generico_58mm")
    renglones = textos(decodificar(renderizar_ticket(datos(), perfil)))
    assert max(len(r) for r in renglones) <= perfil.columnas


def test_no_altera_perfiles_globales_de_python_escpos() -> None:
    from escpos.capabilities import get_profile

    antes = get_profile("default").profile_data["media"]["width"]["pixels"]
    renderizar_ticket(datos(), cargar_perfil_impresora("generico_58mm"))
    renderizar_ticket(datos(), cargar_perfil_impresora("generico_80mm"))
    assert get_profile("default").profile_data["media"]["width"]["pixels"] == antes


def test_precargar_revisa_el_perfil_de_python_escpos() -> None:
    from dataclasses import replace

    from firmware_config import PerfilInvalido
    from kiosco.escpos_render import precargar

    precargar(PERFILES)
    malo = replace(PERFILES[0], nombre="clon_x", perfil_escpos="TM-NOEXISTE")
    with pytest.raises(PerfilInvalido, match=r"clon_x\.yaml: campo 'perfil_escpos' no existe"):
        precargar([malo])


def test_sin_estimacion_y_clases() -> None:
    perfil = cargar_perfil_impresora("generico_80mm")
    sin = textos(decodificar(renderizar_ticket(datos(espera_min=None, espera_max=None), perfil)))
    assert "Espera estimada: sin estimación por ahora" in sin
    cita = textos(decodificar(renderizar_ticket(datos(clase="cita", personas_delante=0), perfil)))
    assert "Cita programada" in cita and "Usted es el siguiente turno" in cita


def test_texto_plano_para_pantalla() -> None:
    texto = renderizar_texto(datos())
    assert "Turno: P-023" in texto
    assert "Trámite: Corrección de AÑO en acta de nacimiento" in texto
    assert "Espera estimada: 10 a 20 min" in texto
    assert URL in texto and "Este trámite es gratuito" in texto


@pytest.mark.parametrize(
    "cambios",
    [
        {"clase": "vip"},
        {"emitido": datetime(2025, 11, 21, 10, 35)},
        {"personas_delante": -1},
        {"espera_min": 10, "espera_max": None},
        {"espera_min": 30, "espera_max": 20},
        {"folio": " "},
    ],
)
def test_datos_invalidos(cambios: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        datos(**cambios)


def test_importar_no_carga_python_escpos() -> None:
    codigo = "import sys, kiosco.ticket, kiosco.impresoras; print('escpos' in sys.modules)"
    salida = subprocess.run(
        [sys.executable, "-c", codigo], capture_output=True, text=True, check=True
    )
    assert salida.stdout.strip() == "False"

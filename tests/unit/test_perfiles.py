"""Perfiles de firmware_config/: todos validan; uno roto da un error claro con archivo y campo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from firmware_config import (
    DIRECTORIO,
    PerfilInvalido,
    cargar_perfil_impresora,
    cargar_perfil_impresora_de,
    cargar_perfil_kiosco,
    cargar_perfil_navegador_de,
    cargar_todos,
    validar_todos,
)

IMPRESORA_VALIDA = """\
modelo: Prueba 80 mm
perfil_escpos: default
ancho_papel_px: 576
columnas: 48
codepage: CP850
qr_nativo: false
cortador: true
usb:
  vendor_id: "0416"
  product_id: "5011"
"""


def test_todos_los_archivos_validan() -> None:
    perfiles = validar_todos()
    archivos = {p.stem for p in (DIRECTORIO / "impresoras").glob("*.yaml")}
    assert set(perfiles.impresoras) == archivos
    assert {"epson_tm_t20ii", "epson_tm_t88v", "generico_80mm", "generico_58mm"} <= archivos
    assert {p.stem for p in (DIRECTORIO / "kioscos").glob("*.yaml")} == set(perfiles.kioscos)
    assert {p.stem for p in (DIRECTORIO / "pantallas").glob("*.yaml")} == set(perfiles.pantallas)


def test_valores_de_impresoras() -> None:
    t20 = cargar_perfil_impresora("epson_tm_t20ii")
    assert (t20.ancho_papel_px, t20.codepage, t20.tabla_esc_t, t20.usb_id) == (
        576,
        "CP850",
        2,
        "04b8:0e15",
    )
    g58 = cargar_perfil_impresora("generico_58mm")
    assert (g58.ancho_papel_px, g58.qr_nativo, g58.cortador) == (384, False, False)
    assert cargar_perfil_impresora("generico_80mm").ancho_papel_px == 576


def test_kioscos_y_pantallas_en_ambas_orientaciones() -> None:
    perfiles = cargar_todos()
    for grupo in (perfiles.kioscos, perfiles.pantallas):
        tamanos = {(p.orientacion, p.ancho_px, p.alto_px) for p in grupo.values()}
        assert ("vertical", 1080, 1920) in tamanos and ("horizontal", 1920, 1080) in tamanos
    kiosco = cargar_perfil_kiosco("kiosco_vertical")
    args = kiosco.argumentos_chromium("http://10.0.0.2:8000/kiosco/demo")
    assert "--kiosk" in args and "--window-size=1080,1920" in args
    assert args[-1] == "http://10.0.0.2:8000/kiosco/demo"
    assert kiosco.ruta == "/kiosco/{centro}" and kiosco.inactividad_s


def test_regla_udev_cubre_los_ids_de_los_perfiles() -> None:
    regla = (DIRECTORIO / "udev" / "99-turnos-impresoras.rules").read_text(encoding="utf-8")
    for perfil in cargar_todos().impresoras.values():
        vid, pid = perfil.usb_id.split(":")
        assert f'ATTR{{idVendor}}=="{vid}", ATTR{{idProduct}}=="{pid}"' in regla
    assert 'GROUP="lp"' in regla


def _escribir(tmp_path: Path, texto: str, nombre: str = "rota.yaml") -> Path:
    ruta = tmp_path / nombre
    ruta.write_text(texto, encoding="utf-8")
    return ruta


def test_archivo_valido_fuera_del_paquete(tmp_path: Path) -> None:
    perfil = cargar_perfil_impresora_de(_escribir(tmp_path, IMPRESORA_VALIDA, "mia.yaml"))
    assert perfil.nombre == "mia" and perfil.usb_product_id == 0x5011


@pytest.mark.parametrize(
    ("reemplazo", "mensaje"),
    [
        (("576", "-5"), "campo 'ancho_papel_px' debe ser un entero positivo (se encontró: -5)"),
        (("576", "abc"), "campo 'ancho_papel_px' debe ser un entero positivo"),
        (("576", "580"), "campo 'ancho_papel_px' debe ser múltiplo de 8"),
        (("CP850", "CP857"), "campo 'codepage' debe ser uno de CP850 (se encontró: 'CP857')"),
        (("qr_nativo: false", "qr_nativo: quizá"), "campo 'qr_nativo' debe ser true o false"),
        (('"5011"', "0202"), "campo 'usb.product_id' debe ser texto de 4 dígitos hexadecimales"),
        (("cortador: true\n", ""), "campo 'cortador' es obligatorio y falta"),
        (("columnas: 48", "columnas: 48\ncolumns: 48"), "campo 'columns' no se reconoce"),
    ],
)
def test_archivo_roto_nombra_archivo_y_campo(
    tmp_path: Path, reemplazo: tuple[str, str], mensaje: str
) -> None:
    ruta = _escribir(tmp_path, IMPRESORA_VALIDA.replace(*reemplazo))
    with pytest.raises(PerfilInvalido) as error:
        cargar_perfil_impresora_de(ruta)
    assert str(error.value).startswith(f"{ruta}: ")
    assert mensaje in str(error.value)


def test_yaml_invalido_y_no_mapeo(tmp_path: Path) -> None:
    with pytest.raises(PerfilInvalido, match=r"rota\.yaml: YAML inválido en la línea 2"):
        cargar_perfil_impresora_de(_escribir(tmp_path, "modelo: x\n  : [\n"))
    with pytest.raises(PerfilInvalido, match="debe contener un mapeo de campos"):
        cargar_perfil_impresora_de(_escribir(tmp_path, "- uno\n- dos\n"))
    with pytest.raises(PerfilInvalido, match="no existe"):
        cargar_perfil_impresora_de(tmp_path / "falta.yaml")


def test_varios_errores_se_reportan_juntos(tmp_path: Path) -> None:
    texto = IMPRESORA_VALIDA.replace("576", "0").replace("CP850", "UTF8")
    with pytest.raises(PerfilInvalido) as error:
        cargar_perfil_impresora_de(_escribir(tmp_path, texto))
    campos = [e.split("campo ")[1].split(" ")[0] for e in error.value.errores]
    assert campos == ["'ancho_papel_px'", "'codepage'"]


def test_kiosco_roto(tmp_path: Path) -> None:
    original = (DIRECTORIO / "kioscos" / "kiosco_vertical.yaml").read_text(encoding="utf-8")
    ruta = _escribir(tmp_path, original.replace("alto_px: 1920", "alto_px: 720"))
    with pytest.raises(PerfilInvalido, match=r"campo 'orientacion' no coincide con 1080x720"):
        cargar_perfil_navegador_de(ruta, "kiosco")
    ruta = _escribir(tmp_path, original.replace("  - --kiosk\n", "  - --start-fullscreen x\n"))
    with pytest.raises(PerfilInvalido, match="campo 'chromium_flags' debe ser una lista"):
        cargar_perfil_navegador_de(ruta, "kiosco")


def test_directorio_con_un_archivo_roto_falla_al_validar(tmp_path: Path) -> None:
    for carpeta in ("impresoras", "kioscos", "pantallas"):
        (tmp_path / carpeta).mkdir()
        for archivo in (DIRECTORIO / carpeta).glob("*.yaml"):
            (tmp_path / carpeta / archivo.name).write_bytes(archivo.read_bytes())
    assert validar_todos(tmp_path).impresoras
    _escribir(tmp_path / "impresoras", IMPRESORA_VALIDA.replace("true", "sí"), "x.yaml")
    with pytest.raises(PerfilInvalido) as error:
        validar_todos(tmp_path)
    assert str(error.value) == (
        f"{tmp_path}/impresoras/x.yaml: campo 'cortador' debe ser true o false (se encontró: 'sí')"
    )


def test_nombre_desconocido_lista_los_disponibles() -> None:
    with pytest.raises(PerfilInvalido) as error:
        cargar_perfil_impresora("../kioscos/kiosco_vertical")
    assert str(error.value).startswith("firmware_config/impresoras: no existe")
    assert "generico_58mm" in str(error.value)


def test_mensaje_con_ruta_del_paquete(tmp_path: Path) -> None:
    # El mensaje del paquete usa la ruta relativa del repositorio, como la ve quien instala.
    with pytest.raises(PerfilInvalido, match=r"^firmware_config/impresoras: .* 'no_hay'"):
        cargar_perfil_impresora("no_hay")


def test_cli_validar() -> None:
    salida = subprocess.run(
        [sys.executable, "-m", "firmware_config", "validar"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert salida.stdout.startswith("Perfiles válidos: 4 impresoras")


# Sin --enable-speech-dispatcher, Chromium en Linux no ve ninguna voz (getVoices() vacío) y la
# pantalla nunca habla; sin la política de autoplay, la campana y la voz esperan un toque.
VOZ = ("--enable-speech-dispatcher", "--autoplay-policy=no-user-gesture-required")


def test_pantallas_y_kioscos_pueden_hablar() -> None:
    perfiles = cargar_todos()
    for perfil in (*perfiles.pantallas.values(), *perfiles.kioscos.values()):
        for flag in VOZ:
            assert flag in perfil.chromium_flags, (perfil.nombre, flag)
            assert flag in perfil.argumentos_chromium("http://s/x")


@pytest.mark.parametrize("flag", VOZ)
def test_perfil_de_navegador_sin_voz_no_valida(tmp_path: Path, flag: str) -> None:
    original = (DIRECTORIO / "pantallas" / "tv_horizontal.yaml").read_text(encoding="utf-8")
    ruta = _escribir(tmp_path, original.replace(f"  - {flag}\n", ""))
    with pytest.raises(PerfilInvalido, match=f"campo 'chromium_flags' debe incluir {flag}"):
        cargar_perfil_navegador_de(ruta, "pantalla")

"""La CLI ante archivos que faltan o están mal y salidas binarias: una línea en español y
código 2, nunca un traceback ni bytes en la terminal."""

from __future__ import annotations

import io
import sys

import pytest

from turnos.cli import main


@pytest.mark.parametrize(
    ("nombre", "contenido", "esperado"),
    [
        ("no-existe.yaml", None, "no existe"),
        ("malo.yaml", "tramites: [\n  {clave: A\n", "no es YAML válido"),
        ("binario.csv", b"\xff\xfe\x00clave", "no está en UTF-8"),
        ("lista.yaml", "tramites: 5\n", "lista «tramites»"),
    ],
)
def test_importar_catalogo_con_archivo_malo(
    alm, centro, db_url, tmp_path, capsys, nombre, contenido, esperado
):
    ruta = tmp_path / nombre
    if isinstance(contenido, bytes):
        ruta.write_bytes(contenido)
    elif contenido is not None:
        ruta.write_text(contenido, encoding="utf-8")
    codigo = main(["catalogo", "importar", "--centro", "prueba", "--db", db_url, str(ruta)])
    salida = capsys.readouterr()
    assert codigo == 2
    lineas = salida.err.strip().splitlines()
    assert len(lineas) == 1 and lineas[0].startswith("Error: ") and esperado in lineas[0]
    assert "Traceback" not in salida.err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reporte_xlsx_no_se_escribe_en_la_terminal(alm, centro, db_url, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdout", _Terminal())
    codigo = main(
        [
            "reporte",
            "--centro",
            "prueba",
            "--desde",
            "2026-11-01",
            "--hasta",
            "2026-11-02",
            "--formato",
            "xlsx",
            "--db",
            db_url,
        ]
    )
    err = capsys.readouterr().err
    assert codigo == 2 and "--salida" in err
    assert sys.stdout.getvalue() == ""

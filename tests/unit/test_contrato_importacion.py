"""Contrato de la costura (DESIGN §2, principio 9): el núcleo no importa ninguna capacidad y una
capacidad no importa otra. Se lee el AST de cada archivo (también los imports dentro de
funciones), así un import perezoso no esquiva la regla."""

from __future__ import annotations

import ast
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]
CAPACIDADES = ("kiosco", "metricas", "pantalla", "citas", "encuestas", "buzon")


def _modulos_importados(archivo: Path) -> list[tuple[int, str]]:
    arbol = ast.parse(archivo.read_text(encoding="utf-8"), filename=str(archivo))
    encontrados: list[tuple[int, str]] = []
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Import):
            encontrados += [(nodo.lineno, a.name) for a in nodo.names]
        elif isinstance(nodo, ast.ImportFrom) and nodo.level == 0 and nodo.module:
            encontrados.append((nodo.lineno, nodo.module))
        elif (
            isinstance(nodo, ast.Call)
            and getattr(nodo.func, "attr", getattr(nodo.func, "id", "")) == "import_module"
            and nodo.args
            and isinstance(nodo.args[0], ast.Constant | ast.JoinedStr)
        ):
            # importlib.import_module("kiosco.web") o f"{paquete}.web": el cableado de antes.
            texto = ast.unparse(nodo.args[0]).strip("'\"f")
            encontrados.append((nodo.lineno, texto))
    return encontrados


def _raiz(modulo: str) -> str:
    return modulo.split(".")[0]


def _archivos(paquete: str) -> list[Path]:
    return sorted(p for p in (RAIZ / paquete).rglob("*.py") if "__pycache__" not in p.parts)


def test_el_nucleo_no_importa_capacidades():
    faltas = [
        f"{archivo.relative_to(RAIZ)}:{linea} importa {modulo}"
        for archivo in _archivos("turnos")
        for linea, modulo in _modulos_importados(archivo)
        if _raiz(modulo) in CAPACIDADES or "{" in modulo
    ]
    assert faltas == [], "el núcleo importa capacidades:\n" + "\n".join(faltas)


def test_una_capacidad_no_importa_otra():
    faltas = []
    for paquete in CAPACIDADES:
        if not (RAIZ / paquete).is_dir():
            continue
        for archivo in _archivos(paquete):
            for linea, modulo in _modulos_importados(archivo):
                if _raiz(modulo) in CAPACIDADES and _raiz(modulo) != paquete:
                    faltas.append(f"{archivo.relative_to(RAIZ)}:{linea} importa {modulo}")
    assert faltas == [], "una capacidad importa otra:\n" + "\n".join(faltas)


def test_las_capacidades_usan_el_kit_y_no_la_plomeria_web_del_nucleo():
    """`turnos.kit` es la superficie pública para extensiones; `turnos.web.*` y `turnos.cli`
    son internos (cambian sin aviso)."""
    internos = ("turnos.web.app", "turnos.web.api", "turnos.web.auth", "turnos.web.personal")
    faltas = [
        f"{archivo.relative_to(RAIZ)}:{linea} importa {modulo}"
        for paquete in CAPACIDADES
        if (RAIZ / paquete).is_dir()
        for archivo in _archivos(paquete)
        for linea, modulo in _modulos_importados(archivo)
        if modulo in internos or modulo == "turnos.cli"
    ]
    assert faltas == [], "\n".join(faltas)


def test_el_contrato_detecta_un_import_perezoso(tmp_path):
    """La regla ve imports dentro de funciones e import_module (la prueba puede fallar)."""
    archivo = tmp_path / "x.py"
    archivo.write_text(
        "def f():\n    from kiosco import web\n    importlib.import_module('metricas.cli')\n",
        encoding="utf-8",
    )
    assert [m for _, m in _modulos_importados(archivo)] == ["kiosco", "metricas.cli"]


def test_bench_no_importa_las_pruebas():
    """Lo que comparten bench/ y tests/ vive en apoyo/ (sembrar un centro, uvicorn real)."""
    faltas = [
        f"{archivo.relative_to(RAIZ)}:{linea} importa {modulo}"
        for archivo in _archivos("bench")
        for linea, modulo in _modulos_importados(archivo)
        if _raiz(modulo) == "tests"
    ]
    assert faltas == [], "\n".join(faltas)


def test_la_app_no_empaqueta_ayudas_de_prueba():
    """El decodificador ESC/POS solo lo usan las pruebas: vive en tests/, no en kiosco/."""
    assert not (RAIZ / "kiosco" / "escpos_decodificar.py").exists()
    assert (RAIZ / "tests" / "escpos_decodificar.py").exists()

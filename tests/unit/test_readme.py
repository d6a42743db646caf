"""El README documenta cada ajuste del registro y los dos comandos de una máquina nueva."""

from pathlib import Path

from turnos.settings import Settings, documentacion

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_cada_ajuste_esta_en_el_readme():
    for variable, _, _ in documentacion():
        assert f"`{variable}`" in README, variable


def test_los_dos_comandos():
    assert "bash scripts/demo" in README
    assert "pip install" not in README.split("## Páginas")[0]  # PEP 668: nunca en el sistema
    assert "bash scripts/test" in README
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert ci.rstrip().endswith("bash scripts/test")


def test_ajustes_desde_entorno():
    s = Settings.desde_entorno(
        {"TURNOS_PORT": "9000", "TURNOS_COOKIE_SEGURA": "sí", "TURNOS_DB": "sqlite:///x.db"}
    )
    assert (s.port, s.cookie_segura, s.db) == (9000, True, "sqlite:///x.db")
    assert Settings.desde_entorno({}, port=8001).port == 8001

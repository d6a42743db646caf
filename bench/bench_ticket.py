"""Bytes por ticket y tiempo de renderizado (p50/p99) para cada perfil de impresora.

    python bench/bench_ticket.py [--n 500]

Imprime una tabla; no afirma nada (los presupuestos se revisan a ojo: <= 6 KB y <= 10 ms en
80 mm con QR como imagen). Cada ticket usa un folio y una URL distintos, como en producción,
para que ninguna caché haga trampa.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from firmware_config import cargar_todos  # noqa: E402
from kiosco.escpos_render import precargar  # noqa: E402
from kiosco.ticket import DatosTicket, renderizar_ticket  # noqa: E402

MX = ZoneInfo("America/Mexico_City")


def datos(n: int) -> DatosTicket:
    return DatosTicket(
        centro="Centro MAS León - Ventanilla Única de Trámites",
        folio=f"A-{n % 1000:03}",
        tramite="Expedición de licencia de conducir tipo A (automovilista)",
        clase="preferente" if n % 5 == 0 else "general",
        emitido=datetime(2025, 11, 21, 10, 35, tzinfo=MX),
        personas_delante=n % 40,
        espera_min=10,
        espera_max=25,
        # token de 22 caracteres como secrets.token_urlsafe(16)
        url_seguimiento=f"https://turnos.guanajuato.gob.mx/t/{n:022d}",
        pie=(
            "Horario: lunes a viernes de 8:30 a 15:30 h",
            "Este trámite es gratuito",
            "¿Le pidieron dinero? Denúncielo en el buzón MAS o al 800 470 7500",
        ),
    )


def percentil(valores: list[float], p: float) -> float:
    ordenados = sorted(valores)
    return ordenados[min(len(ordenados) - 1, round(p / 100 * (len(ordenados) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500, help="tickets por perfil")
    args = parser.parse_args()
    precargar()
    print(
        f"python {platform.python_version()} en {platform.machine()}; {args.n} tickets por perfil"
    )
    print(
        f"{'perfil':<16} {'ancho':>5} {'QR':>7} {'bytes p50':>9} {'bytes máx':>9} "
        f"{'ms p50':>7} {'ms p99':>7}"
    )
    for perfil in sorted(cargar_todos().impresoras.values(), key=lambda p: p.nombre):
        renderizar_ticket(datos(0), perfil)  # calienta cachés del perfil
        tamanos, tiempos = [], []
        for n in range(args.n):
            d = datos(n)
            inicio = time.perf_counter()
            salida = renderizar_ticket(d, perfil)
            tiempos.append((time.perf_counter() - inicio) * 1000)
            tamanos.append(len(salida))
        qr = "nativo" if perfil.qr_nativo else "imagen"
        print(
            f"{perfil.nombre:<16} {perfil.ancho_papel_px:>5} {qr:>7} "
            f"{statistics.median(tamanos):>9.0f} {max(tamanos):>9} "
            f"{percentil(tiempos, 50):>7.2f} {percentil(tiempos, 99):>7.2f}"
        )


if __name__ == "__main__":
    main()

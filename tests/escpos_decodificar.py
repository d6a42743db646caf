"""Decodificador mínimo de ESC/POS para pruebas y diagnóstico.

Entiende exactamente los comandos que produce `escpos_render` (y los de estado DLE EOT);
cualquier otro byte de control levanta `ComandoDesconocido`, para que una prueba note si el
renderizador empieza a emitir algo nuevo. Uso: `decodificar(bytes) -> list[Comando]`.
"""

from __future__ import annotations

from dataclasses import dataclass

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A

# ESC x n con un byte de parámetro: E negritas, a alineación, ! modo, d avanzar, t tabla,
# - subrayado, M fuente, G doble golpe, { invertido, V girado, 3 interlineado, J avanzar puntos.
_ESC_UN_PARAMETRO = {
    ord("E"): "negritas",
    ord("a"): "alinear",
    ord("!"): "modo",
    ord("d"): "avanzar",
    ord("t"): "tabla",
    ord("-"): "subrayado",
    ord("M"): "fuente",
    ord("G"): "doble_golpe",
    ord("{"): "invertido",
    ord("V"): "girado",
    ord("3"): "interlineado",
    ord("J"): "avanzar_puntos",
}
_GS_UN_PARAMETRO = {ord("!"): "tamano", ord("B"): "inverso", ord("b"): "suavizado"}


class ComandoDesconocido(ValueError):
    pass


@dataclass(frozen=True)
class Comando:
    nombre: str  # "inicializar", "tabla", "texto", "raster", "qr_nativo", "corte", ...
    valor: int | None = None
    datos: bytes = b""
    ancho_bytes: int = 0  # solo raster
    alto: int = 0  # solo raster


def _u16(datos: bytes, i: int) -> int:
    return datos[i] | datos[i + 1] << 8


def decodificar(datos: bytes) -> list[Comando]:
    comandos: list[Comando] = []
    texto = bytearray()
    i = 0

    def cerrar_texto() -> None:
        if texto:
            comandos.append(Comando("texto", datos=bytes(texto)))
            texto.clear()

    while i < len(datos):
        b = datos[i]
        if b == LF:
            cerrar_texto()
            comandos.append(Comando("salto"))
            i += 1
        elif b >= 0x20:
            texto.append(b)
            i += 1
        elif b == ESC:
            cerrar_texto()
            op = datos[i + 1]
            if op == ord("@"):
                comandos.append(Comando("inicializar"))
                i += 2
            elif op in _ESC_UN_PARAMETRO:
                comandos.append(Comando(_ESC_UN_PARAMETRO[op], datos[i + 2]))
                i += 3
            else:
                raise ComandoDesconocido(f"ESC 0x{op:02x} en la posición {i}")
        elif b == GS:
            cerrar_texto()
            op = datos[i + 1]
            if op in _GS_UN_PARAMETRO:
                comandos.append(Comando(_GS_UN_PARAMETRO[op], datos[i + 2]))
                i += 3
            elif op == ord("v") and datos[i + 2] == ord("0"):
                ancho, alto = _u16(datos, i + 4), _u16(datos, i + 6)
                inicio = i + 8
                fin = inicio + ancho * alto
                if fin > len(datos):
                    raise ComandoDesconocido(f"GS v 0 truncado en la posición {i}")
                comandos.append(
                    Comando("raster", datos[i + 3], datos[inicio:fin], ancho_bytes=ancho, alto=alto)
                )
                i = fin
            elif op == ord("(") and datos[i + 2] in (ord("k"), ord("L")):
                largo = _u16(datos, i + 3)
                cuerpo = datos[i + 5 : i + 5 + largo]
                nombre = "qr_nativo" if datos[i + 2] == ord("k") else "grafico"
                # cuerpo: cn fn [m] datos; fn 80 (0x50) lleva m=48 y el contenido del QR
                fn = cuerpo[1]
                contenido = cuerpo[3:] if fn == 80 else cuerpo[2:]
                comandos.append(Comando(nombre, fn, contenido))
                i += 5 + largo
            elif op == ord("V"):
                modo = datos[i + 2]
                extra = 1 if modo in (65, 66) else 0
                comandos.append(Comando("corte", modo))
                i += 3 + extra
            else:
                raise ComandoDesconocido(f"GS 0x{op:02x} en la posición {i}")
        elif b == DLE and datos[i + 1 : i + 2] == b"\x04":
            cerrar_texto()
            comandos.append(Comando("estado", datos[i + 2]))
            i += 3
        else:
            raise ComandoDesconocido(f"byte de control 0x{b:02x} en la posición {i}")
    cerrar_texto()
    return comandos


def textos(comandos: list[Comando], codepage: str = "cp850") -> list[str]:
    """Los renglones de texto, ya decodificados con la tabla del ticket."""
    return [c.datos.decode(codepage) for c in comandos if c.nombre == "texto"]

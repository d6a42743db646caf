"""Reglas puras del buzón: tipos y su plazo (SLA), estados y transiciones, folio con carácter
verificador y clave secreta. Sin BD ni web; el tiempo entra como argumento."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

TIPOS: dict[str, str] = {
    "queja": "Queja",
    "sugerencia": "Sugerencia",
    "felicitacion": "Felicitación",
    "denuncia": "Denuncia de corrupción",
    "peticion": "Petición o necesidad",
}
# Días naturales para responder (el ciudadano ve la fecha; Open311 expected_datetime).
SLA_DIAS: dict[str, int] = {
    "queja": 10,
    "sugerencia": 20,
    "felicitacion": 5,
    "denuncia": 30,
    "peticion": 15,
}
CANALES = ("web", "kiosco", "encuesta", "telefono", "papel", "presencial", "open311")
CANALES_PERSONAL = ("telefono", "papel", "presencial")

ESTADOS: dict[str, str] = {
    "recibida": "Recibida",
    "canalizada": "Canalizada a la unidad responsable",
    "en_atencion": "En atención",
    "respondida": "Respondida",
    "cerrada": "Cerrada",
    "no_procede": "No procede",
    "duplicada": "Duplicada",
    "turnada": "Turnada a otra institución",
}
FINALES = frozenset({"cerrada", "no_procede", "duplicada", "turnada"})
# Estado -> a cuáles puede pasar (canalizar es aparte: recibida/canalizada -> canalizada).
TRANSICIONES: dict[str, frozenset[str]] = {
    "recibida": frozenset({"no_procede", "duplicada", "turnada"}),
    "canalizada": frozenset({"en_atencion", "respondida", "no_procede", "duplicada", "turnada"}),
    "en_atencion": frozenset({"respondida", "no_procede", "turnada"}),
    "respondida": frozenset({"cerrada", "en_atencion"}),
}
CANALIZABLES = frozenset({"recibida", "canalizada", "en_atencion"})
# Plantillas de respuesta por estado (el personal las edita antes de enviar).
PLANTILLAS: dict[str, str] = {
    "respondida": "Gracias por escribirnos. Atendimos su caso así: …",
    "cerrada": "Su caso quedó resuelto: …",
    "no_procede": "Revisamos su caso y no procede porque …",
    "duplicada": "Su caso ya se atiende con el folio …",
    "turnada": "Su caso corresponde a otra institución; lo turnamos a …",
}


def puede_pasar(de: str, a: str) -> bool:
    return a in TRANSICIONES.get(de, frozenset())


def exige_texto(estado: str) -> bool:
    """Cerrar (o responder) exige escribir la resolución que verá el ciudadano."""
    return estado in FINALES or estado == "respondida"


def vence(tipo: str, recibida: datetime) -> datetime:
    return recibida + timedelta(days=SLA_DIAS[tipo])


# -- folio: CENTRO-AAAA-NNNNN-V, con V de Luhn mod 36 (detecta un carácter mal copiado y casi
# toda transposición de vecinos) --------------------------------------------------------------
_ALFABETO = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def verificador(cuerpo: str) -> str:
    n = len(_ALFABETO)
    valores = [_ALFABETO.index(c) for c in cuerpo.upper() if c in _ALFABETO]
    factor, suma = 2, 0
    for v in reversed(valores):
        sumando = factor * v
        suma += sumando // n + sumando % n
        factor = 1 if factor == 2 else 2
    return _ALFABETO[(n - suma % n) % n]


def folio(slug: str, anio: int, n: int) -> str:
    cuerpo = f"{slug.upper()}-{anio}-{n:05d}"
    return f"{cuerpo}-{verificador(cuerpo)}"


_FOLIO = re.compile(r"^([A-Z0-9-]+-\d{4}-\d{5,})-([0-9A-Z])$")


def normalizar_folio(texto: str) -> str | None:
    """El folio en mayúsculas si su verificador cuadra; None si está mal escrito."""
    limpio = re.sub(r"\s+", "", texto or "").upper()[:100]
    m = _FOLIO.match(limpio)
    if m is None or verificador(m.group(1)) != m.group(2):
        return None
    return limpio


# -- clave secreta: 12 caracteres sin confusiones (0/O, 1/I/L), en grupos de 4 ---------------
_CLAVE = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def nueva_clave() -> str:
    crudo = "".join(secrets.choice(_CLAVE) for _ in range(12))
    return "-".join(crudo[i : i + 4] for i in range(0, 12, 4))


def huella_clave(folio_: str, clave: str) -> str:
    """SHA-256 de folio y clave (normalizada): la clave nunca se guarda."""
    limpia = re.sub(r"[^0-9A-Z]", "", (clave or "").upper())
    return hashlib.sha256(f"{folio_}:{limpia}".encode()).hexdigest()


def clave_correcta(folio_: str, clave: str, huella: str) -> bool:
    return hmac.compare_digest(huella_clave(folio_, clave), huella)


_CORREO = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_TELEFONO = re.compile(r"\+?\d[\d\s().-]{7,}\d")


def anonimizar(texto: str) -> str:
    """Para la parte cualitativa del reporte: sin correos ni teléfonos escritos en el texto."""
    return _TELEFONO.sub("[teléfono]", _CORREO.sub("[correo]", texto))

"""Los ganchos de la costura que ejercita la prueba: cierre de turno (en su transacción), vista
pública del turno, un servicio para otras capacidades, un enlace y un fragmento."""

from sqlalchemy import text


def al_cerrar(tx, cierre) -> None:
    tx.ejecutar(
        text("INSERT INTO juguete_saludo (texto) VALUES (:t)"),
        {"t": f"cerrado {cierre.estado} {cierre.tramite_clave} v{cierre.ventanilla_numero}"},
    )


def vista(conn, turno_id, estado) -> dict:
    return {"juguete": f"{estado}"}


def saludar(nombre: str) -> str:
    return f"hola {nombre}"


def filas(conn, centro_id, desde, hasta, zona) -> list[dict]:
    n = conn.execute(text("SELECT count(*) FROM juguete_saludo")).scalar_one()
    return [{"centro_id": centro_id, "desde": desde.isoformat(), "saludos": n, "zona": zona}]


def evidencia(conn, centro_id, desde, hasta, zona) -> list[dict]:
    return [{"indicador": "Saludos registrados", "valor": "7", "detalle": "de juguete"}]


def agregados(conn, centro_id, desde, hasta, zona) -> list[dict]:
    return [{"fecha": hasta.isoformat(), "saludos": 3}]

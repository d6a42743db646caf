import pytest
from starlette.testclient import TestClient

from tests.conftest import AHORA
from turnos.settings import Settings
from turnos.web.app import crear_app


@pytest.fixture
def app(alm, centro, db_url):
    return crear_app(Settings(db=db_url, secreto="prueba-secreto"), reloj=lambda: AHORA)


@pytest.fixture
def cliente(app):
    with TestClient(app) as c:
        yield c


def bearer(token):
    return {"Authorization": f"Bearer {token}"}

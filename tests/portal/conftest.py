"""Portal fixtures: a filled database on each backend and a TestClient over the real app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from models.settings import Settings
from portal.app import create_app
from portal.auth import hash_password
from tests.portal.data import fill

PASSWORD = "koffie-en-krant"


@pytest.fixture
def portal(db_url):
    """(client, ids by name, settings) over a database holding the named test articles."""
    ids = fill(db_url, extra=40)
    settings = Settings(
        database_url=db_url,
        secret_key="test-secret-key-test-secret-key",
        editor_username="redactie",
        editor_password_hash=hash_password(PASSWORD, iterations=2000),
        login_attempts=3,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        yield client, ids, settings
    app.state.engine.dispose()

"""Hostile requests: bad or injected parameters never cause a 500; editors' pages stay shut."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from models.db import make_engine, session_factory
from models.entities import Article
from models.settings import Settings
from portal.app import create_app
from portal.auth import hash_password
from tests.portal.data import fill

PASSWORD = "slot-op-de-deur-2026"
INJECTIONS = [
    "' OR '1'='1", "' OR 1=1 --", "1; DROP TABLE article; --", "\" OR \"\"=\"", "') OR ('a'='a",
    "1' UNION SELECT url, title, text FROM article --", "%' AND 1=0 UNION SELECT NULL --",
    "'; SELECT pg_sleep(5); --", "\\x27 OR 1=1", "admin'--", "*", "%", "_", "&|!():*",
    "<script>alert(1)</script>", "../../etc/passwd", "\x00", "\u202e\u0000", "😀" * 50,
    "a" * 5000, "{{7*7}}", "${jndi:ldap://127.0.0.1/a}",
]  # fmt: skip
PARAMS = ["q", "theme", "source", "type", "region", "from", "to", "cursor", "sort", "page",
          "limit", "axis"]  # fmt: skip
PATHS = ["/", "/api/articles", "/feeds/articles.xml", "/themes/energietransitie"]


@pytest.fixture
def portal(db_url):
    ids = fill(db_url, extra=10)
    settings = Settings(
        database_url=db_url,
        secret_key="request-tests-secret-key-0123456789",
        editor_username="redactie",
        editor_password_hash=hash_password(PASSWORD, iterations=2000),
        login_attempts=3,
        session_https_only=True,
    )
    app = create_app(settings)
    with TestClient(app, base_url="https://testserver") as client:
        yield client, ids, db_url
    app.state.engine.dispose()


def test_injection_and_malformed_parameters_never_cause_a_server_error(portal):
    client, _, _ = portal
    total = client.get("/api/articles", params={"limit": 200}).json()["items"]
    failures = []
    for path in PATHS:
        for name in PARAMS:
            for value in INJECTIONS:
                response = client.get(f"{path}?{name}={quote(value, safe='')}")
                if response.status_code >= 500:
                    failures.append((path, name, value[:40], response.status_code))
    assert failures == []
    # Injection in search is just words: it finds nothing, certainly not every article.
    for value in INJECTIONS[:9]:
        response = client.get("/api/articles", params={"q": value, "limit": 200})
        assert response.status_code in (200, 422), (value, response.status_code)
        if response.status_code == 200:
            assert len(response.json()["items"]) < len(total), value
    # Malformed pagination and numbers are refused, not guessed at.
    for params in [{"limit": "-1"}, {"limit": "9" * 30}, {"page": "0"}, {"cursor": "x" * 81},
                   {"cursor": "2026-01-01T00:00:00|abc"}, {"from": "2026-13-45"},
                   {"limit": "1e3"}, {"theme": "Energie Transitie"}]:  # fmt: skip
        response = client.get("/api/articles", params=params)
        assert 400 <= response.status_code < 500, (params, response.status_code)
    # The tables are all still there.
    assert len(client.get("/api/articles", params={"limit": 200}).json()["items"]) == len(total)


def _csrf(client, url: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(url).text)
    assert match, url
    return match.group(1)


def _login(client, password: str = PASSWORD):
    token = _csrf(client, "/redactie/inloggen")
    form = {"username": "redactie", "password": password, "csrf": token}
    return client.post("/redactie/inloggen", data=form, follow_redirects=False)


def test_editors_pages_need_login_csrf_and_secure_cookies(portal):
    client, ids, db_url = portal
    article = ids["fiets"]
    # Without a session: every editors' page sends to the login, every action is refused.
    for path in ["/redactie", f"/redactie/artikelen/{article}"]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/redactie/inloggen"
    for path in [
        f"/redactie/artikelen/{article}/verbergen",
        f"/redactie/artikelen/{article}/themas",
    ]:
        response = client.post(path, data={"csrf": "x", "theme": "energietransitie"},
                               follow_redirects=False)  # fmt: skip
        assert response.status_code in (303, 403), (path, response.status_code)
    assert client.get("/redactie/uitloggen").status_code == 405  # state changes need POST

    before = _csrf(client, "/redactie/inloggen")
    ok = _login(client)
    assert ok.status_code == 303
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie, cookie
    after = _csrf(client, f"/redactie/artikelen/{article}")
    assert after != before, "the CSRF token is renewed at login"

    # Logged in, but without the right token: refused, nothing changed.
    for token in ["", before, "A" * 43]:
        response = client.post(f"/redactie/artikelen/{article}/verbergen",
                               data={"csrf": token}, follow_redirects=False)  # fmt: skip
        assert response.status_code == 403, (token, response.status_code)
    with session_factory(make_engine(db_url))() as session:
        assert session.get(Article, article).hidden is False
    # A tampered session cookie is no session at all.
    # Replaced in place (same domain and path), so the client sends the tampered value alone:
    # a cookie set without them sits beside the valid one in some clients' jars.
    (session,) = [c for c in client.cookies.jar if c.name == "howardshome_redactie"]
    tampered = session.value[:-4] + ("AAAA" if not session.value.endswith("AAAA") else "BBBB")
    client.cookies.set(session.name, tampered, domain=session.domain, path=session.path)
    assert [c.value for c in client.cookies.jar if c.name == session.name] == [tampered]
    assert client.get("/redactie", follow_redirects=False).status_code == 303


def test_login_is_rate_limited_per_client(portal):
    client, _, _ = portal
    for _ in range(3):
        assert _login(client, "geraden").status_code == 401
    limited = _login(client)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


def test_a_default_secret_key_cannot_be_used_to_forge_an_editor_session(db_url):
    """Signing {"editor": ...} with the shipped default key must not open the editors' pages."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    fill(db_url)
    settings = Settings(database_url=db_url,
                        editor_password_hash=hash_password(PASSWORD, iterations=2000))  # fmt: skip
    assert settings.secret_key == "change-me-in-production"
    app = create_app(settings)
    data = base64.b64encode(json.dumps({"editor": "redactie", "csrf": "t"}).encode())
    forged = TimestampSigner(settings.secret_key).sign(data).decode()
    with TestClient(app) as client:
        client.cookies.set("howardshome_redactie", forged)
        page = client.get("/redactie", follow_redirects=False)
        assert page.status_code == 503 and "HOWARDSHOME_SECRET_KEY" in page.text
        hide = client.post("/redactie/artikelen/1/verbergen", data={"csrf": "t"},
                           follow_redirects=False)  # fmt: skip
        assert hide.status_code in (403, 503)
        # Nor can anyone log in while the key is the default, even with the right password.
        assert _login(client).status_code in (401, 503)
    app.state.engine.dispose()

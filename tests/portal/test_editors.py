"""Editors: hashed-password login, CSRF, rate limiting, source health, corrections, hiding."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy import func, select

from models.db import make_engine, session_factory, transaction
from models.entities import LoginAttempt, Source, ThemeCorrection
from models.store import replace_tags
from portal.app import create_app
from portal.auth import hash_password, verify_password
from tests.portal.conftest import PASSWORD


def csrf_of(client, url: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(url).text).group(1)


def login(client, password: str = PASSWORD):
    token = csrf_of(client, "/redactie/inloggen")
    return client.post(
        "/redactie/inloggen",
        data={"username": "redactie", "password": password, "csrf": token},
        follow_redirects=False,
    )


def test_password_hashes_verify_and_differ_per_salt():
    first, second = (
        hash_password("geheim-1234", iterations=1000),
        hash_password("geheim-1234", iterations=1000),
    )
    assert first != second and first.startswith("pbkdf2_sha256$1000$")
    assert verify_password("geheim-1234", first) and not verify_password("geheim-1235", first)
    assert not verify_password("geheim-1234", "garbage")


def test_login_needs_csrf_right_password_and_is_rate_limited(portal):
    client, _, settings = portal
    assert (
        client.get("/redactie", follow_redirects=False).headers["location"] == "/redactie/inloggen"
    )
    no_token = client.post(
        "/redactie/inloggen", data={"username": "redactie", "password": PASSWORD}
    )
    assert no_token.status_code == 403
    assert login(client, "fout").status_code == 401
    assert login(client, "fout").status_code == 401
    assert login(client, "fout").status_code == 401
    limited = login(client)  # even the right password waits once the limit is reached
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert "Te veel mislukte pogingen" in limited.text
    client.app.state.login_limiter.succeeded("testclient")
    ok = login(client)
    assert ok.status_code == 303 and ok.headers["location"] == "/redactie"
    cookie = ok.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert PASSWORD not in cookie


def test_the_login_limit_is_shared_by_every_worker(portal):
    """Two apps over one database stand for two uvicorn workers: failures on either count."""
    client, _, settings = portal
    other = create_app(settings)
    try:
        with TestClient(other) as second:
            assert login(client, "fout").status_code == 401
            assert login(second, "fout").status_code == 401
            assert login(client, "fout").status_code == 401
            limited = login(second)  # the third failure was on the other worker
            assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
            assert login(client).status_code == 429
            # A success resets the limit for every worker.
            client.app.state.login_limiter.succeeded("testclient")
            assert login(second).status_code == 303
            assert login(client, "fout").status_code == 401
    finally:
        other.state.engine.dispose()


def test_racing_login_attempts_never_exceed_the_limit(portal):
    client, _, settings = portal
    limiter = client.app.state.login_limiter
    assert settings.login_attempts == 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        waits = list(pool.map(lambda _: limiter.attempt("198.51.100.7"), range(16)))
    allowed = waits.count(0)
    assert allowed <= 3, waits  # racing each other, never more passwords checked than allowed
    with client.app.state.sessions() as session:
        rows = session.scalar(select(func.count()).where(LoginAttempt.client == "198.51.100.7"))
    assert rows == allowed  # refused attempts leave no row: waiting does not extend the wait
    assert (limiter.attempt("198.51.100.7") == 0) == (allowed < 3)


def test_source_health_lists_failing_sources_first_with_reason(portal, db_url):
    client, _, _ = portal
    engine = make_engine(db_url)
    with transaction(session_factory(engine)) as session:
        broken = session.get(Source, "zeeland")
        broken.consecutive_failures, broken.last_error = 3, "feed is not XML: <html>"
    engine.dispose()
    assert login(client).status_code == 303
    page = html.fromstring(client.get("/redactie").text)
    rows = page.cssselect("table.health tbody tr")
    assert "Provincie Zeeland" in rows[0].text_content()
    assert "feed is not XML: <html>" in rows[0].text_content()
    assert rows[0].get("class") == "failing"


def test_theme_correction_is_stored_shown_and_survives_a_retag(portal, db_url):
    client, ids, _ = portal
    article = ids["fiets"]
    assert login(client).status_code == 303
    url = f"/redactie/artikelen/{article}"
    token = csrf_of(client, url)
    # Keep energietransitie, drop sociaal-domein, add burger-en-participatie.
    saved = client.post(f"{url}/themas", data={"csrf": token,
                        "theme": ["energietransitie", "burger-en-participatie"]},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    public = html.fromstring(client.get(f"/articles/{article}").text)
    why = public.cssselect("ul.why")[0].text_content()
    assert "Burger en participatie" in why and "door de redactie toegekend" in why
    assert "Sociaal domein" not in why
    assert (
        "Door de redactie verwijderd: Sociaal domein"
        in public.cssselect("p.manual")[-1].text_content()
    )
    assert client.get("/?theme=sociaal-domein&q=fiets").text.count(f'a-{article}"') == 0
    # A retag proposes the old themes again; the corrections win.
    engine = make_engine(db_url)
    with transaction(session_factory(engine)) as session:
        stored = {(c.theme_slug, c.action) for c in session.query(ThemeCorrection)}
        assert stored == {("burger-en-participatie", "add"), ("sociaal-domein", "remove")}
        replace_tags(session, article, SimpleNamespace(
            themes=[{"slug": "sociaal-domein", "score": 9.0},
                    {"slug": "energietransitie", "score": 5.0}],
            regions=[]))  # fmt: skip
    engine.dispose()
    client.app.state.responses.clear()  # a retag is not a crawl: drop cached pages
    data = client.get(f"/api/articles/{article}").json()
    assert sorted(data["themes"]) == ["burger-en-participatie", "energietransitie"]


def test_editor_forms_reject_a_missing_csrf_token_and_unknown_themes(portal):
    client, ids, _ = portal
    assert login(client).status_code == 303
    url = f"/redactie/artikelen/{ids['gemeente']}"
    assert client.post(f"{url}/verbergen", data={"hidden": "1"}).status_code == 403
    assert client.post(f"{url}/themas", data={"theme": ["energietransitie"]}).status_code == 403
    token = csrf_of(client, url)
    assert (
        client.post(f"{url}/themas", data={"csrf": token, "theme": ["<bestaat-niet>"]}).status_code
        == 400
    )
    assert client.get("/api/articles/" + str(ids["gemeente"])).status_code == 200


def test_hiding_removes_an_article_everywhere_until_shown_again(portal):
    client, ids, _ = portal
    article = ids["gemeente"]
    assert login(client).status_code == 303
    url = f"/redactie/artikelen/{article}"
    token = csrf_of(client, url)
    assert client.post(f"{url}/verbergen", data={"csrf": token, "hidden": "1"},
                       follow_redirects=False).status_code == 303  # fmt: skip
    assert client.get(f"/articles/{article}").status_code == 404
    assert client.get(f"/api/articles/{article}").status_code == 404
    assert "Zeeland helpt" not in client.get("/feeds/all.xml").text
    assert "Zeeland helpt" not in client.get("/?q=warmte").text
    assert "Zeeland helpt" in client.get("/redactie").text  # listed for editors as hidden
    client.post(f"{url}/verbergen", data={"csrf": token, "hidden": "0"})
    assert client.get(f"/articles/{article}").status_code == 200

"""The first request after a new data version warms the pages members open first."""

from __future__ import annotations

from models.db import session_factory
from portal.warm import warm_paths


def _cached_paths(app) -> set[str]:
    return {key[2] for key in app.state.responses._data}


def test_first_request_warms_home_overview_theme_pages_and_feeds(portal, db_url):
    client, _, _ = portal
    app = client.app
    app.state.responses.clear()
    assert client.get("/sources").status_code == 200
    warmer = app.state.warmer
    assert warmer.thread is not None
    warmer.thread.join(timeout=120)
    assert not warmer.thread.is_alive()

    with session_factory(app.state.engine)() as session:
        from portal import queries

        slugs = [t.slug for t in queries.themes(session)]
    assert len(slugs) == 15
    expected = set(warm_paths(slugs))
    assert {"/", "/overzicht", "/feeds/themes/energietransitie.xml"} <= expected
    assert expected <= _cached_paths(app)
    # Same version, same base URL: no second pass; the warmed page is what a reader gets.
    assert not warmer.start(app.state.version.get(session_factory(app.state.engine)()).tag,
                            "http://testserver/", slugs)  # fmt: skip
    page = client.get("/themes/energietransitie")
    assert page.status_code == 200 and "Energietransitie" in page.text


def test_warming_can_be_switched_off(portal):
    client, _, _ = portal
    client.app.state.settings.warm_cache = False
    client.app.state.responses.clear()
    client.get("/")
    assert client.app.state.warmer.thread is None
    assert _cached_paths(client.app) == {"/"}

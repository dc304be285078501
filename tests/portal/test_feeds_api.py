"""Feeds parsed back with feedparser, conditional GET, OPML, and the JSON API with its schema."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
from lxml import etree

from models.db import make_engine, session_factory, transaction
from models.store import store_articles
from tests.portal.data import record


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


def test_every_kind_of_feed_parses_in_both_formats(portal):
    client, ids, _ = portal
    for path in ("/feeds/all", "/feeds/themes/energietransitie", "/feeds/sources/utrecht",
                 "/feeds/regions/provincie-utrecht",
                 "/feeds/regions/gemeente-utrecht"):  # fmt: skip
        rss_response, rss = parse(client, path + ".xml")
        atom_response, atom = parse(client, path + ".atom")
        assert rss.version == "rss20" and atom.version == "atom10"
        assert rss_response.headers["content-type"].startswith("application/rss+xml")
        assert atom_response.headers["content-type"].startswith("application/atom+xml")
        assert rss.entries and [e.id for e in rss.entries] == [e.id for e in atom.entries]
    _, region = parse(client, "/feeds/regions/provincie-utrecht.xml")
    assert {e.title for e in region.entries} == {
        "Nieuwe fiets voor elke scholier",
        "Klimaatadaptatie in de binnenstad",
    } | {f"Bericht {i} over beleid" for i in range(0, 40, 3)}


def test_any_selection_has_a_feed_with_stable_guids_and_dates(portal):
    client, ids, _ = portal
    page = client.get("/?q=fietsen&type=gemeente").text
    assert 'href="/feeds/articles.xml?type=gemeente&amp;q=fietsen"' in page
    _, feed = parse(client, "/feeds/articles.xml?type=gemeente&q=fietsen")
    assert [e.title for e in feed.entries] == ["Nieuwe fiets voor elke scholier"]
    entry = feed.entries[0]
    assert entry.id == "https://utrecht.example.nl/nieuws/1"
    assert entry.link == "https://utrecht.example.nl/nieuws/1"
    assert entry.published_parsed is not None
    _, again = parse(client, "/feeds/articles.atom?q=fietsen&type=gemeente")
    assert again.entries[0].id == entry.id
    assert [t.term for t in entry.tags] == ["Energietransitie", "Sociaal domein"]


def test_a_search_feed_is_newest_first_like_every_feed(portal, db_url):
    client, _, _ = portal
    # An older article that ranks first for "beleid" (the word in its title, thrice).
    engine = make_engine(db_url)
    with transaction(session_factory(engine)) as session:
        store_articles(session, [record(900, "bzk", "Beleid, beleid en nog eens beleid",
                                        "Over beleid.", ["gemeentefinancien"], 30,
                                        datetime.now(UTC))])  # fmt: skip
    engine.dispose()
    ranked = client.get("/api/articles?q=beleid&limit=50").json()["items"]
    assert ranked[0]["title"] == "Beleid, beleid en nog eens beleid"
    _, feed = parse(client, "/feeds/articles.xml?q=beleid")
    stamps = [e.published_parsed for e in feed.entries]
    assert len(stamps) == len(ranked) > 10
    assert stamps == sorted(stamps, reverse=True)
    assert feed.entries[-1].title == "Beleid, beleid en nog eens beleid"


def test_feeds_answer_conditional_requests_with_304(portal):
    client, ids, _ = portal
    first = client.get("/feeds/themes/energietransitie.xml")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert (
        client.get(
            "/feeds/themes/energietransitie.xml", headers={"If-None-Match": etag}
        ).status_code
        == 304
    )
    assert (
        client.get(
            "/feeds/themes/energietransitie.xml", headers={"If-Modified-Since": modified}
        ).status_code
        == 304
    )
    assert (
        client.get(
            "/feeds/themes/energietransitie.xml", headers={"If-None-Match": '"other"'}
        ).status_code
        == 200
    )
    # Another selection has another validator.
    assert client.get("/feeds/themes/klimaatadaptatie.xml").headers["etag"] != etag


def test_opml_lists_every_theme_feed(portal):
    client, _, _ = portal
    response = client.get("/feeds/themes.opml")
    outlines = etree.fromstring(response.content).findall(".//outline[@type='rss']")
    assert len(outlines) == 15
    for outline in outlines:
        path = outline.get("xmlUrl").removeprefix("http://testserver")
        assert client.get(path).status_code == 200


def test_api_articles_filters_search_and_pages(portal):
    client, ids, _ = portal
    data = client.get("/api/articles?q=gemeentelijke&theme=energietransitie").json()
    assert [a["id"] for a in data["items"]] == [ids["gemeente"]]
    assert "<mark>gemeente</mark>" in data["items"][0]["snippet"]
    first = client.get("/api/articles?limit=20").json()
    second = client.get(f"/api/articles?limit=20&cursor={first['next_cursor']}").json()
    assert len(first["items"]) == 20 and not {a["id"] for a in first["items"]} & {
        a["id"] for a in second["items"]
    }
    regions = client.get("/api/regions").json()
    assert {"slug": "provincie-zeeland", "name": "Zeeland", "kind": "provincie"} in regions
    themes = {t["slug"]: t["articles"] for t in client.get("/api/themes").json()}
    assert themes["energietransitie"] == 12
    schema = client.get("/api/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/articles"]["get"]["parameters"]}
    assert {
        "theme",
        "axis",
        "source",
        "type",
        "region",
        "from",
        "to",
        "q",
        "sort",
        "cursor",
        "page",
        "limit",
    } <= params
    assert "/api/regions" in schema["paths"]


def test_api_rejects_bad_parameters_with_422(portal):
    client, _, _ = portal
    for url in ("/api/articles?limit=0", "/api/articles?limit=abc", "/api/articles?from=2024-13-01",
                "/api/articles?theme=A%00", "/api/articles?axis=beide", "/api/articles?page=101",
                "/api/articles/0", "/api/articles/99999999999999999999"):  # fmt: skip
        assert client.get(url).status_code == 422, url
    assert client.get("/api/articles?cursor=x").status_code == 400
    assert client.get("/feeds/themes/onbekend.xml").status_code == 404

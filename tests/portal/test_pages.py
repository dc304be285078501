"""Pages over HTTP: combined filters, keyset pages, Dutch search, escaping, the overview."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

from lxml import html
from sqlalchemy import func, select

from models.db import make_engine
from models.entities import Article, ArticleSource


def doc(response):
    assert response.status_code == 200, response.text[:500]
    return html.fromstring(response.text)


def titles(page) -> list[str]:
    return [t.text_content().strip() for t in page.cssselect("article.card h3")]


def count_of(page) -> int:
    return int(page.cssselect("p.count strong")[0].get("data-count"))


def test_home_groups_by_day_with_cards_and_feed_links(portal):
    client, ids, _ = portal
    page = doc(client.get("/"))
    assert page.cssselect("main#inhoud section.day h2")
    card = page.cssselect(f"article.card[aria-labelledby=a-{ids['fiets']}]")[0]
    assert "Gemeente Utrecht" in card.cssselect(".meta")[0].text_content()
    assert "(gemeente)" in card.cssselect(".meta")[0].text_content()
    assert [c.text_content() for c in card.cssselect(".chips a")] == [
        "Energietransitie",
        "Sociaal domein",
    ]
    alternates = {a.get("type"): a.get("href") for a in page.cssselect("link[rel=alternate]")}
    assert alternates == {
        "application/rss+xml": "/feeds/all.xml",
        "application/atom+xml": "/feeds/all.atom",
    }
    assert page.cssselect("a.follow")[0].text_content() == "Volg deze selectie via RSS"
    assert "Laatst" not in page.cssselect("footer")[0].text_content()  # no completed run yet


def test_filters_combine_and_count(portal):
    client, ids, _ = portal
    both = doc(client.get("/?theme=energietransitie&theme=gemeentefinancien"))
    assert count_of(both) == 1
    assert titles(both) == ["Zeeland helpt de gemeente bij de warmte"]
    assert count_of(doc(client.get("/?theme=energietransitie"))) == 2 + 10  # 10 of 40 fillers
    region = doc(client.get("/?theme=energietransitie&region=provincie-utrecht"))
    assert "Nieuwe fiets voor elke scholier" in titles(region)
    assert all("Zeeland" not in t for t in titles(region))
    typed = doc(client.get("/?type=provincie&theme=energietransitie"))
    assert "Zeeland helpt de gemeente bij de warmte" in titles(typed)
    assert "Nieuwe fiets voor elke scholier" not in titles(typed)
    dated = doc(client.get("/?from=2000-01-01&to=" + _days_ago(30)))
    assert titles(dated) == ["Klimaatadaptatie in de binnenstad"]
    axis = doc(client.get("/?axis=sturing&source=utrecht"))
    # Utrecht's governance articles: the named one and fillers 3, 15, 27, 39 (gemeentefinancien).
    assert count_of(axis) == 5 and "Klimaatadaptatie in de binnenstad" in titles(axis)
    # The filter form shows the selection it applied.
    checked = [i.get("value") for i in both.cssselect("form.filters input[name=theme][checked]")]
    assert checked == ["energietransitie", "gemeentefinancien"]


def _days_ago(days: int) -> str:
    from datetime import datetime, timedelta

    from portal.filters import AMS

    return (datetime.now(AMS) - timedelta(days=days)).date().isoformat()


def test_keyset_pagination_visits_every_article_once(portal):
    client, _, _ = portal
    seen: list[str] = []
    url = "/"
    while url:
        page = doc(client.get(url))
        seen += [a.get("href") for a in page.cssselect("article.card h3 a")]
        more = page.cssselect("a[rel=next]")
        url = "/" + more[0].get("href") if more else None
    assert len(seen) == 44 == len(set(seen))


def test_search_in_dutch_finds_inflections_and_marks_them_escaped(portal):
    client, ids, _ = portal
    page = doc(client.get("/?q=fietsen"))
    found = titles(page)
    assert "Nieuwe fiets voor elke scholier" in found  # "fietsen" finds "fiets"
    assert any("Wet" in t for t in found)
    page = doc(client.get("/?q=gemeentelijke"))
    assert "Zeeland helpt de gemeente bij de warmte" in titles(page)  # ... and "gemeente"
    # Title matches rank first.
    assert titles(doc(client.get("/?q=warmte")))[0] == "Zeeland helpt de gemeente bij de warmte"
    raw = client.get("/?q=fietsen").text
    snippet = re.search(
        rf'aria-labelledby="a-{ids["xss"]}".*?<p class="excerpt snippet">(.*?)</p>', raw, re.S
    ).group(1)
    assert "<mark>fietsen</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet
    # Search combines with every filter.
    assert titles(doc(client.get("/?q=fiets&type=ministerie"))) == [
        "Wet <script>alert(1)</script> aangenomen"
    ]
    assert count_of(doc(client.get("/?q=de+het"))) == 0


def test_crawled_markup_is_escaped_everywhere(portal):
    client, ids, _ = portal
    for url in ("/", f"/articles/{ids['xss']}", "/?q=wet", "/feeds/all.xml", "/feeds/all.atom"):
        body = client.get(url).text
        assert "<script>alert(1)" not in body, url


def test_article_page_explains_themes_and_links_related(portal):
    client, ids, _ = portal
    page = doc(client.get(f"/articles/{ids['fiets']}"))
    assert page.cssselect("h1")[0].text_content() == "Nieuwe fiets voor elke scholier"
    why = page.cssselect("ul.why li")
    assert "energietransitie" in why[0].text_content()
    assert page.cssselect("a.original")[0].get("href") == "https://utrecht.example.nl/nieuws/1"
    assert page.cssselect("section[aria-labelledby=regio] a")[0].get("href") == (
        "/?region=gemeente-utrecht"
    )
    related = [a.text_content() for a in page.cssselect("section[aria-labelledby=gerelateerd] a")]
    # Each shares one theme with it: the newest first.
    assert related == ["Bericht 0 over beleid", "Bericht 2 over beleid",
                       "Zeeland helpt de gemeente bij de warmte", "Bericht 4 over beleid",
                       "Bericht 6 over beleid"]  # fmt: skip
    assert client.get("/articles/999999").status_code == 404


def test_sources_page_lists_type_region_and_month_counts(portal, db_url):
    client, _, _ = portal
    page = doc(client.get("/sources"))
    rows = {r.cssselect("td")[0].text_content().strip(" ↗"):
            [c.text_content() for c in r.cssselect("td")]
            for r in page.cssselect("table.sources tbody tr")}  # fmt: skip
    assert rows["Gemeente Utrecht"][1] == "gemeente"
    assert rows["Gemeente Utrecht"][2] == "gemeente-utrecht"
    # "This month" is the calendar month in Amsterdam: the fixture's articles (0-45 days old)
    # fall on either side of its first day depending on today's date.
    month_start = datetime.now(ZoneInfo("Europe/Amsterdam")).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    engine = make_engine(db_url)
    with engine.connect() as conn:
        expected = dict(
            conn.execute(
                select(ArticleSource.source_id, func.count())
                .join(Article, Article.id == ArticleSource.article_id)
                .where(Article.published_at >= month_start)
                .group_by(ArticleSource.source_id)
            ).all()
        )
    engine.dispose()
    for name, source_id in (("Ministerie van BZK", "bzk"), ("Gemeente Utrecht", "utrecht")):
        assert int(rows[name][3]) == expected.get(source_id, 0), (name, expected)


def test_overview_cells_link_to_lists_with_the_same_count(portal):
    client, _, _ = portal
    page = doc(client.get("/overzicht"))
    cells = page.cssselect("table.matrix td a")
    assert len(cells) == 6 * 9 * 2
    nonzero = [a for a in cells if a.get("data-count") != "0"]
    assert nonzero, "the test data has transition x governance pairs"
    for link in nonzero:
        listed = doc(client.get(link.get("href")))
        assert count_of(listed) == int(link.get("data-count")), link.get("href")
        query = parse_qs(urlparse(link.get("href")).query)
        assert len(query["theme"]) == 2
    assert len(page.cssselect("svg.trend")) == 15
    assert page.cssselect("svg.trend title")[0].text_content()


def test_bad_parameters_are_4xx_in_dutch_never_500(portal):
    client, _, _ = portal
    for url in ("/?from=2024-02-31", "/?theme=Bad Slug", "/?cursor=nope",
                "/?cursor=9999-12-31T23:59:59-23:59_1",
                "/?page=0", "/?sort=random", "/articles/99999999999999999999", "/?q=" + "a" * 500,
                "/?region=%00", "/themes/energietransitie?to=0001-01-01"):  # fmt: skip
        response = client.get(url)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        if response.headers["content-type"].startswith("text/html"):
            assert "Ongeldige invoer" in response.text or "ongeldige" in response.text, url
    assert client.get("/themes/bestaat-niet").status_code == 404

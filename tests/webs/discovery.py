"""A discovery web: each site read one way (feed, sitemap, listing, homepage, selectors), plus
syndication, tracking links, canonical URLs, robots.txt rules and the faults sites commit.

EXPECTED maps each healthy source to the article slugs it must end up with; FAULTS maps each
broken source to the words its reason must contain; NEVER lists paths no crawl may request.
"""

from __future__ import annotations

import gzip
import random
import re
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from fakeweb.render import (
    Article,
    Site,
    _page,
    news_sitemap,
    render_site,
    sitemap,
    sitemap_index,
)
from fakeweb.routes import Route, Web
from tests.webs.text import FILLER, SUBJECTS, body

NOW = datetime.now(UTC).replace(microsecond=0)
MB = 1024 * 1024

SITES = [
    "feed-rss", "feed-atom", "sitemap-plain", "sitemap-index", "sitemap-news", "listing-pages",
    "listing-include", "selector-css", "selector-xpath", "home-alternate", "home-feedpath",
    "home-robots", "home-sitemap", "home-nieuws", "home-pers", "home-blocked-feed",
    "robots-block", "syndicator", "tracking", "canonical", "undated",
    "err500", "slow", "loop", "huge", "htmlfeed", "bomb", "nothing",
]  # fmt: skip

FAULTS = {
    "err500": "HTTP 500",
    "slow": "timeout",
    "loop": "redirect",
    "huge": "too large",
    "htmlfeed": "not a feed",
    "bomb": "too large",
    "nothing": "no feed, sitemap or news listing found",
}

# How each healthy source must be read after the first crawl.
METHODS = {
    "feed-rss": "feed", "feed-atom": "feed", "sitemap-plain": "sitemap",
    "sitemap-index": "sitemap", "sitemap-news": "sitemap", "listing-pages": "listing",
    "listing-include": "listing", "selector-css": "listing", "selector-xpath": "listing",
    "home-alternate": "feed", "home-feedpath": "feed", "home-robots": "sitemap",
    "home-sitemap": "sitemap", "home-nieuws": "listing", "home-pers": "listing",
    "home-blocked-feed": "listing", "robots-block": "feed", "syndicator": "feed",
    "tracking": "listing", "canonical": "feed", "undated": "listing",
}  # fmt: skip

# Paths (per site) that must never be requested: disallowed, out of the window, beyond the
# pagination bound, or not chosen by the editor's selector or pattern.
NEVER = {
    "robots-block": ["/nieuws/intern-verslag-van-het-overleg"],
    "home-blocked-feed": ["/nieuws.rss"],
    "sitemap-plain": ["/nieuws/plain-oud-bericht-uit-het-archief"],
    "sitemap-index": ["/sitemaps/archief.xml"],
    "listing-pages": [
        "/nieuws?page=4",
        "/onderwerp/energie",
        "/nieuws/pages-6-overig",
        "/nieuws/pages-7-energie",
    ],
    "listing-include": ["/evenementen/zomerfeest-in-het-park-2026"],
    "selector-css": ["/projecten/nieuwe-brug-over-de-rivier-gepland"],
    "selector-xpath": ["/projecten/fietspad-langs-het-kanaal-verbreed"],
}

ROBOTS = "User-agent: *\nDisallow: /intern/\n"
ROBOTS_DISALLOWED = "/nieuws/intern-verslag-van-het-overleg"  # robots-block's secret page
SUBJECT_NAMES = list(SUBJECTS)
WORDS = sorted(
    {
        w
        for lines in [*SUBJECTS.values(), FILLER]
        for line in lines
        for w in re.findall(r"\w+", line)
    }
)


def _text(subject: str, seed: int) -> list[str]:
    """Two paragraphs on the subject and three of shuffled words: distinct enough for SimHash
    (at least 8 bits apart over this web), so only real copies count as near-duplicates."""
    pick = random.Random(seed)
    shuffled = [" ".join(pick.sample(WORDS, 50)).capitalize() + "." for _ in range(3)]
    return body(subject, seed=seed, paragraphs=2) + shuffled


def _articles(prefix: str, count: int, start_day: int = 1, path: str = "/nieuws") -> list[Article]:
    result = []
    for i in range(count):
        subject = SUBJECT_NAMES[(len(prefix) + i) % len(SUBJECT_NAMES)]
        slug = f"{prefix}-{i}-{subject}"
        result.append(
            Article(
                slug=slug,
                title=f"{prefix.capitalize()} bericht {i}: nieuws over {subject}",
                published=NOW - timedelta(days=start_day + i, hours=i),
                body=_text(subject, zlib.crc32(prefix.encode()) % 100_000 * 10 + i),
                lead=f"Korte inleiding bij bericht {i} over {subject}.",
                path=f"{path}/{slug}",
            )
        )
    return result


def _only(site: Site, base: str, keep: tuple[str, ...]) -> dict[str, Route]:
    """A site's routes with only the article pages and the named paths."""
    routes = render_site(site, base)
    articles = {a.url_path() for a in site.articles}
    return {p: r for p, r in routes.items() if p in articles or p in keep}


def _listing_page(site: Site, base: str, items: str, extra: str = "", nav: str = "") -> str:
    main = f'<main id="content"><h1>Nieuws</h1>{items}{extra}{nav}</main>'
    return _page(site, base, "Nieuws", main)


def _teasers(articles: list[Article], href=lambda a: a.url_path()) -> str:
    return (
        '<ul class="news-list">'
        + "".join(
            f'<li><a href="{escape(href(a))}">{escape(a.title)}</a><p>{escape(a.lead)}</p></li>'
            for a in articles
        )
        + "</ul>"
    )


def _decoy(site: Site, base: str, path: str, title: str) -> dict[str, Route]:
    page = Article(
        path.rsplit("/", 1)[-1], title, NOW, _text("overig", zlib.crc32(path.encode())), path=path
    )
    return render_site(Site(site.key, site.name, [page], feed=None, sitemap=False), base)


def build(bases: dict[str, str]) -> Web:  # noqa: PLR0915 - one site after another
    web: Web = {}
    home_only = dict(feed=None, sitemap=False, listing=False)

    def add(site: Site, routes: dict[str, Route] | None = None) -> Site:
        web[site.key] = routes if routes is not None else render_site(site, bases[site.key])
        return site

    # -- feeds ---------------------------------------------------------------------------------
    rss = add(Site("feed-rss", "Gemeente Feedstad", _articles("rss", 3), announce_feed=False))
    atom = add(
        Site(
            "feed-atom",
            "Provincie Atomia",
            _articles("atom", 2),
            feed="atom",
            feed_path="/feed.atom",
        )
    )

    # -- sitemaps ------------------------------------------------------------------------------
    old = Article(
        "plain-oud-bericht-uit-het-archief",
        "Oud bericht",
        NOW - timedelta(days=120),
        _text("sociaal", 9001),
        path="/nieuws/plain-oud-bericht-uit-het-archief",
    )
    plain = Site(
        "sitemap-plain", "Waterschap Kaartland", _articles("plain", 3) + [old], **home_only
    )
    routes = render_site(plain, bases[plain.key])
    routes["/sitemap.xml"] = Route(
        sitemap(bases[plain.key], plain.articles), content_type="application/xml", etag='"plain-1"'
    )
    add(plain, routes)

    b = bases["sitemap-index"]
    index = Site("sitemap-index", "Ministerie van Indexen", _articles("index", 4), **home_only)
    first, second = index.articles[:2], index.articles[2:]
    routes = render_site(index, b)
    routes["/sitemap_index.xml"] = Route(
        sitemap_index(
            b,
            [
                ("/sitemaps/nieuws-1.xml.gz", NOW),
                ("/sitemaps/nieuws-2.xml", NOW),
                ("/sitemaps/archief.xml", NOW - timedelta(days=400)),
            ],
        ),
        content_type="application/xml",
        etag='"index-1"',
    )
    routes["/sitemaps/nieuws-1.xml.gz"] = Route(
        gzip.compress(sitemap(b, first).encode()), content_type="application/x-gzip", etag='"i1"'
    )
    routes["/sitemaps/nieuws-2.xml"] = Route(sitemap(b, second), content_type="application/xml")
    routes["/sitemaps/archief.xml"] = Route(sitemap(b, []), content_type="application/xml")
    add(index, routes)

    news = Site("sitemap-news", "Planbureau voor Nieuws", _articles("news", 3), **home_only)
    routes = render_site(news, bases[news.key])
    routes["/news-sitemap.xml"] = Route(
        news_sitemap(news, bases[news.key], news.articles),
        content_type="application/xml",
        etag='"news-1"',
    )
    add(news, routes)

    # -- listings ------------------------------------------------------------------------------
    b = bases["listing-pages"]
    pages = Site(
        "listing-pages", "Gemeente Bladzijde", _articles("pages", 8), feed=None, sitemap=False
    )
    routes = _only(pages, b, ("/", "/robots.txt", "/contact", "/over-ons"))
    for number in range(1, 5):
        chunk = pages.articles[(number - 1) * 2 : number * 2]
        nav = (
            '<nav class="pagination">'
            + "".join(f'<a href="/nieuws?page={n}">{n}</a>' for n in range(1, 5))
            + (f'<a rel="next" href="/nieuws?page={number + 1}">Volgende</a>' if number < 4 else "")
        )
        nav += "</nav>"
        noise = (
            '<p>Meer over <a href="/onderwerp/energie">energie</a> of neem '
            '<a href="/contact">contact</a> op.</p>'
        )
        page = Route(_listing_page(pages, b, _teasers(chunk), noise, nav), etag=f'"pages-{number}"')
        routes[f"/nieuws?page={number}"] = page
        if number == 1:
            routes["/nieuws"] = page
    add(pages, routes)

    b = bases["listing-include"]
    include = Site("listing-include", "Omgevingsdienst Patroon", [], feed=None, sitemap=False)
    include.articles = _articles("incl", 2, path="/berichten")
    for n, article in enumerate(include.articles):
        article.path = f"/berichten/{4100 + n}"
    routes = _only(include, b, ("/", "/robots.txt"))
    routes.update(
        _decoy(include, b, "/evenementen/zomerfeest-in-het-park-2026", "Zomerfeest in het park")
    )
    extra = (
        '<p><a href="/evenementen/zomerfeest-in-het-park-2026">'
        "Kom naar het zomerfeest in het park</a></p>"
    )
    routes["/nieuws"] = Route(
        _listing_page(include, b, _teasers(include.articles), extra), etag='"incl"'
    )
    add(include, routes)

    for key, prefix, decoy, markup in (
        ("selector-css", "css", "/projecten/nieuwe-brug-over-de-rivier-gepland", "ul"),
        ("selector-xpath", "xpath", "/projecten/fietspad-langs-het-kanaal-verbreed", "div"),
    ):
        b = bases[key]
        site = Site(
            key, f"Gemeente {prefix.upper()}", _articles(prefix, 2), feed=None, sitemap=False
        )
        routes = _only(site, b, ("/", "/robots.txt"))
        routes.update(_decoy(site, b, decoy, "Uitgelicht project in de gemeente"))
        if markup == "ul":
            items = (
                '<ul class="nieuws-lijst">'
                + "".join(
                    f'<li><a href="{a.url_path()}">{escape(a.title)}</a></li>'
                    for a in site.articles
                )
                + "</ul>"
            )
        else:
            items = (
                '<div class="berichten">'
                + "".join(
                    f'<h3><a href="{a.url_path()}">{escape(a.title)}</a></h3>'
                    for a in site.articles
                )
                + "</div>"
            )
        featured = (
            f'<section class="uitgelicht"><a href="{decoy}">'
            "Uitgelicht: een project in de gemeente</a></section>"
        )
        routes["/nieuws"] = Route(_listing_page(site, b, items, featured), etag=f'"{prefix}"')
        add(site, routes)

    # -- homepage only -------------------------------------------------------------------------
    add(Site("home-alternate", "Gemeente Aankondiging", _articles("alt", 2), sitemap=False))
    feedpath = Site(
        "home-feedpath",
        "Gemeente Padvinder",
        _articles("fpath", 2),
        announce_feed=False,
        feed_path="/feed",
        sitemap=False,
    )
    add(feedpath)
    b = bases["home-robots"]
    robots = Site("home-robots", "Waterschap Robotica", _articles("robo", 2), **home_only)
    routes = render_site(robots, b)
    routes["/robots.txt"] = Route(
        ROBOTS + f"Sitemap: {b}/sitemaps/nieuws.xml\n", content_type="text/plain"
    )
    routes["/sitemaps/nieuws.xml"] = Route(
        sitemap(b, robots.articles), content_type="application/xml", etag='"robo"'
    )
    add(robots, routes)
    smap = add(Site("home-sitemap", "Provincie Kaartenbak", _articles("smap", 2), **home_only))
    web[smap.key]["/sitemap.xml"] = Route(
        sitemap(bases[smap.key], smap.articles), content_type="application/xml", etag='"smap"'
    )
    add(
        Site("home-nieuws", "Gemeente Nieuwsgierig", _articles("hnws", 3), feed=None, sitemap=False)
    )
    add(
        Site(
            "home-pers",
            "Ministerie van Pers",
            _articles("pers", 2, path="/persberichten"),
            feed=None,
            sitemap=False,
            listing_path="/persberichten",
        )
    )
    add(
        Site(
            "home-blocked-feed",
            "Gemeente Verboden",
            _articles("blok", 2),
            sitemap=False,
            robots=ROBOTS + "Disallow: /nieuws.rss\n",
        )
    )

    # -- robots.txt, syndication, tracking, canonical, undated ----------------------------------
    secret = Article(
        "intern-verslag-van-het-overleg",
        "Intern verslag",
        NOW - timedelta(days=1),
        _text("overig", 7777),
        path=ROBOTS_DISALLOWED,
    )
    add(
        Site(
            "robots-block",
            "Gemeente Afgeschermd",
            _articles("blk", 2) + [secret],
            robots=ROBOTS + "Disallow: /nieuws/intern-\n",
        )
    )

    b = bases["syndicator"]
    own = _articles("synd", 2)
    copy = Article(
        "overgenomen-van-feedstad",
        rss.articles[0].title,
        rss.articles[0].published,
        rss.articles[0].body,
        rss.articles[0].lead,
        path="/nieuws/overgenomen-van-feedstad",
    )
    edited = news.articles[0]
    near = Article(
        "licht-bewerkt-planbureau",
        edited.title,
        edited.published,
        edited.body[:-1] + [edited.body[-1] + " Aldus het planbureau."],
        edited.lead,
        path="/nieuws/licht-bewerkt-planbureau",
    )
    synd = Site("syndicator", "Vakblad Bestuur", own + [copy, near], announce_feed=False)
    routes = render_site(synd, b)
    feed = routes["/nieuws.rss"].body_bytes().decode()
    feed = feed.replace(
        f"{own[0].url_path()}</link>",
        f"{own[0].url_path()}?utm_source=rss&amp;utm_medium=feed</link>",
    )
    # A link straight to another source's article: one article, both sources.
    atom_url = bases["feed-atom"] + atom.articles[0].url_path()
    feed = feed.replace(
        "</channel>",
        f"<item><title>{escape(atom.articles[0].title)}</title><link>{atom_url}?fbclid=abc</link>"
        f"<pubDate>{format_datetime(atom.articles[0].published)}</pubDate></item></channel>",
    )
    routes["/nieuws.rss"] = Route(feed, content_type="application/rss+xml", etag='"synd"')
    add(synd, routes)

    b = bases["tracking"]
    track = Site("tracking", "Gemeente Spoorzoeker", _articles("trk", 2), feed=None, sitemap=False)
    routes = _only(track, b, ("/", "/robots.txt"))
    variants = "".join(
        f'<p><a href="{a.url_path()}{suffix}">{escape(a.title)} (lees verder)</a></p>'
        for a in track.articles
        for suffix in ("?utm_source=nieuwsbrief&utm_campaign=mei", "#reacties", "?fbclid=XyZ", "")
    )
    routes["/nieuws"] = Route(
        _listing_page(track, b, _teasers(track.articles), variants), etag='"trk"'
    )
    add(track, routes)

    b = bases["canonical"]
    canon = Site(
        "canonical", "Gemeente Canon", _articles("canon", 2), announce_feed=False, sitemap=False
    )
    routes = render_site(canon, b)
    feed = routes["/nieuws.rss"].body_bytes().decode()
    for a in canon.articles:
        routes[a.url_path() + "?sessie=123"] = routes[a.url_path()]  # declares the clean URL
        feed = feed.replace(
            f"<link>{b}{a.url_path()}</link>", f"<link>{b}{a.url_path()}?sessie=123</link>"
        )
    routes["/nieuws.rss"] = Route(feed, content_type="application/rss+xml", etag='"canon"')
    add(canon, routes)

    undated = Site(
        "undated", "Gemeente Zonder Datum", _articles("nodate", 2), feed=None, sitemap=False
    )
    for a in undated.articles:
        a.dated = False
    add(undated)

    # -- faults --------------------------------------------------------------------------------
    plain_robots = Route("User-agent: *\nDisallow:\n", content_type="text/plain")
    web["err500"] = {"/robots.txt": plain_robots, "/nieuws.rss": Route("Interne fout", status=500)}
    web["slow"] = {"/robots.txt": plain_robots, "/nieuws.rss": Route("", behaviour="slow", delay=8)}
    loop = Route("", behaviour="redirect-loop")
    web["loop"] = {
        "/robots.txt": plain_robots,
        "/nieuws.rss": loop,
        "/loop-a": loop,
        "/loop-b": loop,
    }
    web["huge"] = {"/robots.txt": plain_robots, "/nieuws": Route(behaviour="huge", size=50 * MB)}
    web["htmlfeed"] = {
        "/robots.txt": plain_robots,
        "/nieuws.rss": Route(
            "<html><head><title>Nieuws</title></head><body><p>Geen feed</p></body></html>"
        ),
    }
    web["bomb"] = {
        "/robots.txt": plain_robots,
        "/sitemap.xml": Route(behaviour="bomb", size=60 * MB, content_type="application/xml"),
    }
    web["nothing"] = render_site(
        Site("nothing", "Stichting Stilte", [], feed=None, sitemap=False, listing=False),
        bases["nothing"],
    )
    return web


def sources_yaml(bases: dict[str, str]) -> str:
    """sources.yaml for the web: each site configured the one way it is meant to be read."""
    read = {
        "feed-rss": "feeds: [{b}/nieuws.rss]",
        "feed-atom": "feeds: [{b}/feed.atom]",
        "sitemap-plain": "sitemaps: [{b}/sitemap.xml]",
        "sitemap-index": "sitemaps: [{b}/sitemap_index.xml]",
        "sitemap-news": "sitemaps: [{b}/news-sitemap.xml]",
        "listing-pages": "listings: [{b}/nieuws]",
        "listing-include": "listings: [{b}/nieuws]\n    include: ['/berichten/[0-9]+$']",
        "selector-css": "listings: [{b}/nieuws]\n    link_selector: 'ul.nieuws-lijst'",
        "selector-xpath": (
            "listings: [{b}/nieuws]\n    link_xpath: \"//div[@class='berichten']//h3\""
        ),
        "robots-block": "feeds: [{b}/nieuws.rss]",
        "syndicator": "feeds: [{b}/nieuws.rss]",
        "tracking": "listings: [{b}/nieuws]",
        "canonical": "feeds: [{b}/nieuws.rss]",
        "undated": "listings: [{b}/nieuws]",
        "err500": "feeds: [{b}/nieuws.rss]",
        "slow": "feeds: [{b}/nieuws.rss]",
        "loop": "feeds: [{b}/nieuws.rss]",
        "huge": "listings: [{b}/nieuws]",
        "htmlfeed": "feeds: [{b}/nieuws.rss]",
        "bomb": "sitemaps: [{b}/sitemap.xml]",
    }
    lines = ["sources:"]
    for key in SITES:
        lines += [f"  - id: {key}", f"    name: Testbron {key}", f"    url: {bases[key]}/"]
        if key in read:
            lines.append("    " + read[key].format(b=bases[key]))
    return "\n".join(lines) + "\n"


def expected(bases: dict[str, str]) -> tuple[dict[str, set[str]], list[tuple[set[str], set[str]]]]:
    """Article URLs each healthy source must be linked to, and the syndicated groups.

    A group is (sources, candidate URLs): exactly one stored article among the candidates, linked
    to every one of the sources (which URL wins depends on which copy was fetched first).
    """

    def urls(key: str, prefix: str, count: int, folder: str = "/nieuws") -> set[str]:
        return {bases[key] + a.url_path() for a in _articles(prefix, count, path=folder)}

    per_source = {
        "feed-rss": urls("feed-rss", "rss", 3),
        "feed-atom": urls("feed-atom", "atom", 2),
        "sitemap-plain": urls("sitemap-plain", "plain", 3),
        "sitemap-index": urls("sitemap-index", "index", 4),
        "sitemap-news": urls("sitemap-news", "news", 3),
        "listing-pages": urls("listing-pages", "pages", 6),  # pages 1-3 of 4 (max_pages)
        "listing-include": {bases["listing-include"] + f"/berichten/{n}" for n in (4100, 4101)},
        "selector-css": urls("selector-css", "css", 2),
        "selector-xpath": urls("selector-xpath", "xpath", 2),
        "home-alternate": urls("home-alternate", "alt", 2),
        "home-feedpath": urls("home-feedpath", "fpath", 2),
        "home-robots": urls("home-robots", "robo", 2),
        "home-sitemap": urls("home-sitemap", "smap", 2),
        "home-nieuws": urls("home-nieuws", "hnws", 3),
        "home-pers": urls("home-pers", "pers", 2, "/persberichten"),
        "home-blocked-feed": urls("home-blocked-feed", "blok", 2),
        "robots-block": urls("robots-block", "blk", 2),
        "syndicator": urls("syndicator", "synd", 2),
        "tracking": urls("tracking", "trk", 2),
        "canonical": urls("canonical", "canon", 2),
        "undated": urls("undated", "nodate", 2),
    }
    rss0 = sorted(per_source["feed-rss"])[0]
    news0 = sorted(per_source["sitemap-news"])[0]
    atom0 = sorted(per_source["feed-atom"])[0]
    groups = [
        (
            {"feed-rss", "syndicator"},
            {rss0, bases["syndicator"] + "/nieuws/overgenomen-van-feedstad"},
        ),
        (
            {"sitemap-news", "syndicator"},
            {news0, bases["syndicator"] + "/nieuws/licht-bewerkt-planbureau"},
        ),
        ({"feed-atom", "syndicator"}, {atom0}),
    ]
    for key, url in (("feed-rss", rss0), ("sitemap-news", news0), ("feed-atom", atom0)):
        per_source[key].discard(url)
    return per_source, groups

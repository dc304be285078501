"""A fault web: healthy sites beside sites that fail in every way real sites do.

Each faulty site's expected reason is in FAULTS; each healthy (or readable-but-ill-formed) site's
expected article count is in expected_articles().
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from fakeweb.render import Article, Site, render_site
from fakeweb.routes import Route, Web
from tests.webs.text import body

NOW = datetime.now(UTC).replace(microsecond=0)
MB = 1024 * 1024

# Sites whose articles must all be stored (some with broken article pages beside good ones).
HEALTHY = [
    "gezond", "gezond-atom", "gemengd", "eenmaal-429", "html-1252", "html-utf8-als-1252",
    "feed-1252", "feed-latin1-als-utf8", "feed-ampersand", "feed-afgebroken", "feed-tags",
    "feed-bom", "feed-vijandig",
]  # fmt: skip

# Sites that yield nothing, with the reason the source table must record.
FAULTS = {
    "fout-500": "HTTP 500",
    "fout-404": "HTTP 404",
    "fout-429": "HTTP 429 (Retry-After 3600)",
    "traag": "timeout",
    "reset": "connection reset",
    "lus": "redirect",
    "groot": "too large",
    "bom": "too large",
    "html-als-feed": "not a feed (an HTML page)",
    "leeg": "empty response",
    "binair": "not a feed",
    "weigert": "connection refused",
    "kapotte-gzip": "invalid compressed body",
    "naar-bestand": "redirect to file:///etc/passwd not followed",
    "afgekapt": "truncated",
    "robots-nee": "blocked by robots.txt",
    "onderhoud": "HTTP 503 (Retry-After Wed, 01 Jan 2099 00:00:00 GMT)",
    "robots-500": "robots.txt answered HTTP 500: a server error there means disallow all",
}

SITES = HEALTHY + list(FAULTS)

# Non-ASCII Dutch, to see that text survives a wrongly declared charset.
ACCENTS = "Één coöperatie, vier ideeën en een reünie in Café De Oude Brücke"


WORDS = (
    "dijk molen gracht polder raad wethouder burgemeester begroting subsidie wijk straat plein "
    "school bibliotheek zwembad station haven fiets bus tram brug sluis kanaal akker weide bos "
    "duin strand kerk toren markt winkel boer fabriek kantoor woning flat boerderij schuur park "
    "vijver sloot gemaal stuw kade steiger veer pont rotonde viaduct tunnel geluidsscherm berm "
    "kavel perceel erf tuin heg schutting lantaarn bank fontein standbeeld museum theater"
).split()


def distinct_body(subject: str, seed: int) -> list[str]:
    """Dutch paragraphs on a subject with words drawn per seed, so no two articles near-match."""
    rng = random.Random(seed)
    return [
        f"{paragraph} Betrokken: {', '.join(rng.sample(WORDS, 30))}. "
        f"Ook genoemd: {', '.join(rng.sample(WORDS, 30))}."
        for paragraph in body(subject, seed=seed)
    ]


def _articles(prefix: str, subjects: list[str], lead: str = "") -> list[Article]:
    seed = 7000 + SITES.index(prefix) * 37
    return [
        Article(
            slug=f"{prefix}-{i}-{subject}",
            title=f"{prefix} bericht {i}: nieuws over {subject}",
            published=NOW - timedelta(days=1 + i, hours=i),
            body=distinct_body(subject, seed + i),
            lead=lead or f"Korte inleiding bij bericht {i} over {subject}.",
        )
        for i, subject in enumerate(subjects)
    ]


def _site(key: str, subjects: list[str], feed: str = "rss2", lead: str = "") -> Site:
    path = "/feed.atom" if feed == "atom" else "/nieuws.rss"
    return Site(key, f"Testbron {key}", _articles(key, subjects, lead), feed=feed, feed_path=path)


def _robots() -> Route:
    return Route("User-agent: *\nDisallow:\n", content_type="text/plain")


def _feed_of(key: str, bases: dict[str, str], subjects: list[str]) -> tuple[dict, str]:
    """The routes of a healthy rss2 site and its feed text, to be spoiled by the caller."""
    routes = render_site(_site(key, subjects), bases[key])
    return routes, routes["/nieuws.rss"].body_bytes().decode("utf-8")


def _item(base: str, slug: str, title: str) -> str:
    return (
        f"<item><title>{title}</title><link>{base}/nieuws/{slug}</link>"
        f"<pubDate>{NOW.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
    )


def build(bases: dict[str, str]) -> Web:
    web: Web = {}
    web["gezond"] = render_site(
        _site("gezond", ["energie", "financien", "sociaal"]), bases["gezond"]
    )
    web["gezond-atom"] = render_site(
        _site("gezond-atom", ["klimaat", "digitaal"], feed="atom"), bases["gezond-atom"]
    )

    # Five articles in the feed; three of their pages fail. The other two are stored.
    routes = render_site(
        _site("gemengd", ["energie", "klimaat", "sociaal", "digitaal", "financien"]),
        bases["gemengd"],
    )
    routes["/nieuws/gemengd-2-sociaal"] = Route("Interne fout", status=500)
    routes["/nieuws/gemengd-3-digitaal"] = Route(behaviour="reset")
    routes["/nieuws/gemengd-4-financien"] = Route(behaviour="huge", size=50 * MB)
    web["gemengd"] = routes

    # 429 with Retry-After: 1 on the first request, then the feed: the crawler waits and reads it.
    routes = render_site(_site("eenmaal-429", ["energie", "sociaal"]), bases["eenmaal-429"])
    feed = routes["/nieuws.rss"]
    feed.behaviour, feed.delay = "throttle-once", 1
    web["eenmaal-429"] = routes

    # Article pages in windows-1252 that say utf-8 (header and meta), and the reverse.
    routes = render_site(
        _site("html-1252", ["energie", "klimaat"], lead=ACCENTS), bases["html-1252"]
    )
    for path, route in routes.items():
        if path.startswith("/nieuws/"):
            route.body = route.body_bytes().decode("utf-8").encode("cp1252")
    web["html-1252"] = routes
    key = "html-utf8-als-1252"
    routes = render_site(_site(key, ["sociaal", "financien"], lead=ACCENTS), bases[key])
    for path, route in routes.items():
        if path.startswith("/nieuws/"):
            text = route.body_bytes().decode("utf-8")
            route.body = text.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
            route.content_type = "text/html; charset=windows-1252"
    web[key] = routes

    # Feeds: windows-1252 bytes declared utf-8; utf-8 bytes declared iso-8859-1 (header only).
    routes, text = _feed_of("feed-1252", bases, ["energie", "klimaat"])
    routes["/nieuws.rss"] = Route(
        text.replace("Korte inleiding", ACCENTS).encode("cp1252"),
        content_type="application/rss+xml; charset=utf-8",
    )
    web["feed-1252"] = routes
    routes, text = _feed_of("feed-latin1-als-utf8", bases, ["sociaal", "digitaal"])
    routes["/nieuws.rss"] = Route(
        text.replace("Korte inleiding", ACCENTS).replace(
            'encoding="utf-8"', 'encoding="iso-8859-1"'
        ),
        content_type="application/rss+xml; charset=iso-8859-1",
    )
    web["feed-latin1-als-utf8"] = routes

    # Ill-formed XML that feedparser's loose parser still reads.
    routes, text = _feed_of("feed-ampersand", bases, ["energie", "financien"])
    routes["/nieuws.rss"] = Route(
        text.replace("Korte inleiding", "Raad & college&nbsp;besluiten &copy; &eacute;"),
        content_type="application/rss+xml",
    )
    web["feed-ampersand"] = routes
    routes, text = _feed_of("feed-afgebroken", bases, ["klimaat", "sociaal", "energie"])
    cut = text.index("</item>", text.index("</item>") + 1) + len("</item>")
    routes["/nieuws.rss"] = Route(text[: cut + 40], content_type="application/rss+xml")
    web["feed-afgebroken"] = routes  # the third item is cut off mid-way
    routes, text = _feed_of("feed-tags", bases, ["digitaal", "financien"])
    spoiled = text.replace("<description>", "<description><b>vet<i>scheef</b>", 1)
    routes["/nieuws.rss"] = Route(spoiled.replace("</channel>", ""), content_type="text/xml")
    web["feed-tags"] = routes
    routes, text = _feed_of("feed-bom", bases, ["energie", "sociaal"])
    routes["/nieuws.rss"] = Route(
        b"\xef\xbb\xbf" + text.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-8"),
        content_type="application/octet-stream",
    )
    web["feed-bom"] = routes

    # A feed whose links try to leave the web: only the http(s) one is followed.
    routes, text = _feed_of("feed-vijandig", bases, ["klimaat"])
    base = bases["feed-vijandig"]
    hostile = "".join(
        f"<item><title>Kwaadaardig {i}</title><link>{link}</link></item>"
        for i, link in enumerate(
            ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>1</script>",
             "ftp://127.0.0.1/x", "//"]
        )
    )  # fmt: skip
    routes["/nieuws.rss"] = Route(
        text.replace("</channel>", hostile + "</channel>"), content_type="application/rss+xml"
    )
    routes["/intern/geheim"] = Route("<html><body>geheim</body></html>")
    web["feed-vijandig"] = routes
    del base

    # The faulty sites.
    def only_feed(route: Route, **extra: Route) -> dict[str, Route]:
        return {"/robots.txt": _robots(), "/nieuws.rss": route, **extra}

    web["fout-500"] = only_feed(Route("Interne fout", status=500))
    web["fout-404"] = {"/robots.txt": _robots()}
    web["fout-429"] = only_feed(Route("Te veel", status=429, headers={"Retry-After": "3600"}))
    web["traag"] = only_feed(Route(behaviour="slow", delay=30))
    web["reset"] = only_feed(Route(behaviour="reset"))
    loop = Route(behaviour="redirect-loop")
    web["lus"] = only_feed(loop, **{"/loop-a": loop, "/loop-b": loop})
    web["groot"] = only_feed(
        Route(behaviour="huge", size=50 * MB, content_type="application/rss+xml")
    )
    web["bom"] = only_feed(
        Route(behaviour="bomb", size=50 * MB, content_type="application/rss+xml")
    )
    web["html-als-feed"] = only_feed(
        Route("<html><head><title>Nieuws</title></head><body><p>Geen feed</p></body></html>")
    )
    web["leeg"] = only_feed(Route(b"", content_type="application/rss+xml"))
    web["binair"] = only_feed(Route(bytes(range(256)) * 8, content_type="application/rss+xml"))
    web["kapotte-gzip"] = only_feed(
        Route(b"\x1f\x8b\x08\x00garbage-not-deflate" * 20, content_type="application/rss+xml",
              headers={"Content-Encoding": "gzip"})
    )  # fmt: skip
    web["naar-bestand"] = only_feed(Route(status=302, headers={"Location": "file:///etc/passwd"}))
    web["afgekapt"] = only_feed(
        Route(
            _feed_of("gezond", bases, ["energie"])[1],
            content_type="application/rss+xml",
            behaviour="truncate",
        )
    )
    web["robots-nee"] = {
        "/robots.txt": Route("User-agent: *\nDisallow: /\n", content_type="text/plain"),
        "/nieuws.rss": Route(_feed_of("gezond", bases, ["klimaat"])[1]),
    }
    web["robots-500"] = {  # RFC 9309: a server error on robots.txt forbids the whole site
        "/robots.txt": Route("Interne fout", status=500, content_type="text/plain"),
        "/nieuws.rss": Route(_feed_of("gezond", bases, ["energie"])[1]),
    }
    web["onderhoud"] = only_feed(
        Route("Onderhoud", status=503, headers={"Retry-After": "Wed, 01 Jan 2099 00:00:00 GMT"})
    )
    web["weigert"] = {}  # its base URL points at a port nothing listens on; see sources_yaml
    return web


def expected_articles() -> dict[str, int]:
    """Articles each readable source must end up with."""
    return {
        "gezond": 3, "gezond-atom": 2, "gemengd": 2, "eenmaal-429": 2, "html-1252": 2,
        "html-utf8-als-1252": 2, "feed-1252": 2, "feed-latin1-als-utf8": 2, "feed-ampersand": 2,
        "feed-afgebroken": 2, "feed-tags": 2, "feed-bom": 2, "feed-vijandig": 1,
    }  # fmt: skip


def sources_yaml(bases: dict[str, str], refused_port: int) -> str:
    lines = ["sources:"]
    for key in SITES:
        base = bases[key]
        if key == "weigert":
            base = base.rsplit(":", 1)[0] + f":{refused_port}"
        feed = "/feed.atom" if key == "gezond-atom" else "/nieuws.rss"
        lines += [
            f"  - id: {key}",
            f"    name: Testbron {key}",
            f"    url: {base}/",
            f"    feeds: [{base}{feed}]",
        ]
    return "\n".join(lines) + "\n"

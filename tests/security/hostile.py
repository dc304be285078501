"""Hostile crawled content: titles, texts, URLs and names with script payloads, really stored."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from models.catalog import Source
from models.db import ensure_schema, make_engine, session_factory, transaction
from models.store import store_articles, sync_sources, sync_themes
from models.taxonomy import load_taxonomy
from tests.conftest import ROOT

# Every payload calls alert(), so a dialog in the browser means a payload ran.
PAYLOADS = [
    '<script>alert("script")</script>',
    "<img src=x onerror=alert('img')>",
    '"><svg onload=alert("svg")>',
    "<svg><script>alert('svg-script')</script></svg>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<a href=\"javascript:alert('link')\">klik</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
    "</title><script>alert('title-break')</script>",
    "]]><script>alert('cdata')</script>",
    "{{ 7*7 }}{% raw %}${alert('template')}",
    "<body onload=alert('body')>",
    "<details open ontoggle=alert('details')>",
    "javascript:alert('bare')",
]
HOSTILE_URLS = [
    "javascript:alert('url')",
    "JaVaScRiPt:alert('url-case')",
    "data:text/html,<script>alert('data-url')</script>",
    " javascript:alert('url-space')",
]
THEME = "digitale-transformatie"

SOURCES = [
    Source(id="kwaad", name="Gemeente <script>alert('source')</script>", url="https://kwaad.example.nl/",
           type="gemeente"),
    Source(id="boos", name="Boos <img src=x onerror=alert('source2')>", url="https://boos.example.nl/",
           type="vakpers"),
]  # fmt: skip


def _record(n: int, title: str, text: str, url: str, found: str, source: str, now: datetime):
    body = (
        f"{text} De gemeente investeert in digitalisering en informatiebeveiliging. "
        "Met een algoritmeregister maakt de provincie zichtbaar waar zij algoritmen inzet. " * 3
    )
    return SimpleNamespace(
        url_hash=hashlib.sha256(f"{n}:{url}".encode()).hexdigest()[:32],
        url=url,
        found_url=found,
        source_id=source,
        title=title,
        text=body,
        excerpt=body[:300],
        author=f"Auteur {text[:40]}",
        language="nl",
        published_at=now - timedelta(hours=n),
        fetched_at=now,
        content_hash=hashlib.sha256(f"c{n}".encode()).hexdigest()[:32],
        simhash=n * 7919,
        themes=[
            {
                "slug": THEME,
                "score": 5.0,
                "matches": [{"term": text[:60], "field": "text", "text": text[:60]}],
            }
        ],  # fmt: skip
        regions=[],
    )


def store_hostile(db_url: str) -> list[int]:
    """Store one article per payload (and per hostile URL); returns their ids."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    now = datetime.now(UTC) - timedelta(minutes=1)
    records = []
    for n, payload in enumerate(PAYLOADS):
        url = f"https://kwaad.example.nl/nieuws/{n}"
        records.append(_record(n, f"Bericht {n} {payload}", payload, url, url, "kwaad", now))
    for m, bad in enumerate(HOSTILE_URLS, start=len(PAYLOADS)):
        records.append(_record(m, f"Link {m} {bad}", bad, bad, bad, "boos", now))
    with transaction(factory) as session:
        sync_sources(session, SOURCES)
        sync_themes(session, load_taxonomy(ROOT / "themes.yaml").themes)
        store_articles(session, records)
    from sqlalchemy import select

    from models.entities import Article

    with factory() as session:
        ids = list(session.scalars(select(Article.id).order_by(Article.id)))
    engine.dispose()
    return ids

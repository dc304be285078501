"""A small, known portal database, written through the real store (which indexes search)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from models.catalog import Source
from models.db import ensure_schema, make_engine, session_factory, transaction
from models.store import store_articles, sync_sources, sync_themes
from models.taxonomy import load_taxonomy
from tests.conftest import ROOT

SOURCES = [
    Source(id="utrecht", name="Gemeente Utrecht", url="https://www.utrecht.nl/", type="gemeente",
           region="gemeente-utrecht", province="provincie-utrecht"),
    Source(id="zeeland", name="Provincie Zeeland", url="https://www.zeeland.nl/", type="provincie",
           region="provincie-zeeland", province="provincie-zeeland"),
    Source(id="bzk", name="Ministerie van BZK", url="https://www.rijksoverheid.nl/",
           type="ministerie"),
]  # fmt: skip
REGIONS = {
    "utrecht": {"slug": "gemeente-utrecht", "name": "Utrecht", "kind": "gemeente",
                "province": "provincie-utrecht"},
    "zeeland": {"slug": "provincie-zeeland", "name": "Zeeland", "kind": "provincie",
                "province": "provincie-zeeland"},
}  # fmt: skip
FILLER = (
    " De uitvoering ligt bij een regionaal programmabureau en de raad wordt elk kwartaal"
    " geïnformeerd over de voortgang, de kosten en de risico's van het programma."
)


def record(n: int, source: str, title: str, text: str, themes: list[str], days_ago: float,
           now: datetime, region: bool = True) -> SimpleNamespace:  # fmt: skip
    url = f"https://{source}.example.nl/nieuws/{n}"
    published = now - timedelta(days=days_ago)
    body = text + FILLER
    return SimpleNamespace(
        url_hash=hashlib.md5(url.encode()).hexdigest(), url=url, found_url=url, source_id=source,
        title=title, text=body, excerpt=body[:240], author=None, language="nl",
        published_at=published, fetched_at=published + timedelta(hours=1),
        content_hash=hashlib.md5(body.encode()).hexdigest(), simhash=n,
        themes=[{"slug": s, "score": 6.0 - i, "matches": [{"term": s, "field": "text", "text": s}]}
                for i, s in enumerate(themes)],
        regions=[REGIONS[source]] if region and source in REGIONS else [],
    )  # fmt: skip


def fill(db_url: str, extra: int = 0) -> dict:
    """Named articles for the assertions, plus `extra` filler articles; returns the ids by name."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    now = datetime.now(UTC) - timedelta(minutes=5)
    named = {
        "fiets": record(
            1,
            "utrecht",
            "Nieuwe fiets voor elke scholier",
            "Utrecht geeft scholieren een fiets om naar school te gaan.",
            ["energietransitie", "sociaal-domein"],
            1,
            now,
        ),
        "gemeente": record(
            2,
            "zeeland",
            "Zeeland helpt de gemeente bij de warmte",
            "De provincie steunt elke gemeente met geld voor warmtenetten.",
            ["energietransitie", "gemeentefinancien"],
            3,
            now,
        ),
        "xss": record(
            3,
            "bzk",
            "Wet <script>alert(1)</script> aangenomen",
            "De wet <b>digitale</b> overheid & de fietsen <script>x()</script> komt er.",
            ["digitale-transformatie"],
            10,
            now,
        ),
        "old": record(
            4,
            "utrecht",
            "Klimaatadaptatie in de binnenstad",
            "Groene daken tegen hittestress en wateroverlast.",
            ["klimaatadaptatie", "burger-en-participatie"],
            45,
            now,
        ),
    }
    records = list(named.values())
    themes = ["energietransitie", "klimaatadaptatie", "sociaal-domein", "gemeentefinancien"]
    for i in range(extra):
        source = SOURCES[i % 3].id
        records.append(record(100 + i, source, f"Bericht {i} over beleid",
                              f"Een bericht nummer {i} over beleid en bestuur.",
                              [themes[i % 4]], 2 + i * 0.3, now))  # fmt: skip
    taxonomy = load_taxonomy(ROOT / "themes.yaml")
    with transaction(factory) as session:
        sync_themes(session, taxonomy.themes)
        sync_sources(session, SOURCES)
        store_articles(session, records)
    from sqlalchemy import select

    from models.entities import Article

    with factory() as session:
        ids = dict(session.execute(select(Article.url_hash, Article.id)).all())
    engine.dispose()
    return {name: ids[r.url_hash] for name, r in named.items()}

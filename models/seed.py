"""Synthetic articles at scale for benchmarks and demos: realistic Dutch text, themes, regions.

Deterministic for a given seed (the text; ids follow the order batches are written in). Sources get
ids starting with `seed-` so they are easy to tell apart (and to delete) in a database that also
holds crawled articles.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from models import search, store
from models.catalog import read_regions
from models.entities import Article, ArticleRegion, ArticleSource, ArticleTheme, Source

SOURCE_TYPES = [  # (type, share of sources)
    ("gemeente", 0.55), ("provincie", 0.04), ("waterschap", 0.04), ("ministerie", 0.05),
    ("rijksoverheid", 0.04), ("planbureau", 0.03), ("adviesraad", 0.05),
    ("uitvoeringsorganisatie", 0.05), ("koepel", 0.05), ("regio", 0.05), ("vakpers", 0.05),
]  # fmt: skip
OPENINGS = [
    "Het college van burgemeester en wethouders heeft besloten",
    "De gemeenteraad stemde dinsdagavond in met een voorstel",
    "Provinciale Staten bespraken deze week",
    "Het kabinet presenteert vandaag plannen",
    "In een brief aan de Tweede Kamer schrijft de minister",
    "Uit nieuw onderzoek blijkt",
    "Het dagelijks bestuur van het waterschap kondigt aan",
    "Samen met inwoners en ondernemers start de gemeente",
    "De raad van state adviseert",
    "Wethouders uit de regio ondertekenden een akkoord",
]
MIDDLES = [
    "om {a} te versnellen en tegelijk aandacht te houden voor {b}.",
    "over {a}, waarbij {b} een belangrijke rol speelt.",
    "waarin {a} en {b} in samenhang worden aangepakt.",
    "dat de komende jaren extra middelen gaan naar {a}.",
    "dat {a} vraagt om een andere aanpak van {b}.",
    "met maatregelen voor {a} in {region}.",
]
FILLER = [
    "De kosten worden gedekt uit de algemene reserve en bijdragen van het Rijk.",
    "Inwoners kunnen tot eind volgende maand reageren op het plan.",
    "Het voorstel wordt na de zomer verder uitgewerkt met maatschappelijke partners.",
    "Volgens de wethouder is samenwerking met buurgemeenten onmisbaar.",
    "Een evaluatie volgt over twee jaar.",
    "De uitvoering ligt bij een regionaal programmabureau.",
    "Ondernemers en woningcorporaties zijn nauw betrokken bij de uitwerking.",
    "De fracties waren verdeeld over de financiële risico's.",
    "Het plan sluit aan bij de landelijke afspraken uit het bestuursakkoord.",
    "Daarnaast komt er een informatieavond in het gemeentehuis.",
    "Fietsers en voetgangers krijgen meer ruimte in het centrum.",
    "De gemeentelijke organisatie zoekt nieuwe medewerkers voor deze opgave.",
]


def _terms(taxonomy) -> dict[str, list[str]]:
    out = {}
    for theme in taxonomy.themes:
        words = [t for t in theme.terms if "*" not in t and len(t) > 3][:25]
        out[theme.slug] = words or [theme.label.lower()]
    return out


def _sources(rng: random.Random, count: int, regions: dict) -> list[dict]:
    by_kind: dict[str, list[dict]] = {}
    for row in regions.values():
        by_kind.setdefault(row["kind"], []).append(row)
    sources: list[dict] = []
    now = datetime.now(UTC)
    for i in range(count):
        stype = rng.choices([t for t, _ in SOURCE_TYPES], [w for _, w in SOURCE_TYPES])[0]
        region = province = None
        name = f"{stype.capitalize()} {i}"
        pool = by_kind.get(stype) or []
        if pool:
            row = rng.choice(pool)
            region, name = row["slug"], f"{stype.capitalize()} {row['name']}"
            province = row.get("province") or (row["slug"] if stype == "provincie" else None)
        sid = f"seed-{i:04d}-{stype}"
        sources.append({
            "id": sid, "name": name, "type": stype, "url": f"https://{sid}.example.nl/",
            "region": region, "province": province, "theme_hints": [], "enabled": True,
            "in_catalog": True, "discovery_urls": [], "consecutive_failures": 0,
            "articles_found": 0, "created_at": now, "updated_at": now,
            "last_success_at": now, "last_crawl_at": now,
        })  # fmt: skip
    return sources


def seed_articles(
    session_factory,
    taxonomy,
    count: int,
    *,
    days: int = 730,
    sources: int = 540,
    seed: int = 1,
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, float]:
    """Insert `count` synthetic articles spread over the last `days` days; (count, seconds)."""
    rng = random.Random(seed)
    started = time.perf_counter()
    regions = read_regions() or {}
    region_rows = list(regions.values())
    terms = _terms(taxonomy)
    transitions = [t.slug for t in taxonomy.themes if t.axis == "transitie"]
    governance = [t.slug for t in taxonomy.themes if t.axis == "sturing"]
    now = datetime.now(UTC)
    with session_factory() as session, session.begin():
        store.sync_themes(session, taxonomy.themes)
        source_rows = _sources(rng, sources, regions)
        existing = set(session.scalars(select(Source.id)))
        new = [s for s in source_rows if s["id"] not in existing]
        if new:
            session.execute(insert(Source), new)
    # Skewed towards recent days, as a news archive is, and written oldest first, as nightly
    # crawls write them: ids and the tables' pages follow the date (random order would make
    # every date-ordered read jump between pages, which no crawled database does).
    ages = sorted(
        (timedelta(days=days * rng.random() ** 1.6, seconds=rng.randrange(86400))
         for _ in range(count)),
        reverse=True,
    )  # fmt: skip
    done = 0
    run_tag = f"{seed}-{int(now.timestamp())}"
    # The database's share (tsvector, indexes, triggers) is most of the work and runs in its own
    # process: two connections write batches while this thread writes the next one's text.
    # SQLite takes one writer at a time.
    sqlite = session_factory.kw["bind"].dialect.name == "sqlite"
    pool = ThreadPoolExecutor(max_workers=1 if sqlite else 2)
    pending: list[Future] = []
    while done < count:
        n = min(batch, count - done)
        articles, tags = [], []
        for i in range(n):
            src = rng.choice(source_rows)
            themes = [rng.choice(transitions)]
            if rng.random() < 0.7:
                themes.append(rng.choice(governance))
            if rng.random() < 0.2:
                themes.append(rng.choice(transitions + governance))
            themes = list(dict.fromkeys(themes))
            region = None
            if src["region"] and rng.random() < 0.8:
                region = regions.get(src["region"])
            elif rng.random() < 0.3 and region_rows:
                region = rng.choice(region_rows)
            title, body = _text(rng, themes, terms, region)
            url = f"{src['url']}nieuws/{run_tag}-{done + i}"
            published = now - ages[done + i]
            articles.append({
                "url_hash": hashlib.md5(url.encode()).hexdigest(), "url": url,
                "source_id": src["id"], "title": title, "text": body, "excerpt": body[:280],
                "author": None, "language": "nl", "published_at": published,
                "sort_at": published, "fetched_at": published + timedelta(hours=3),
                "content_hash": hashlib.md5(body.encode()).hexdigest(), "simhash": 0,
                "hidden": False,
            })  # fmt: skip
            scores = [round(8.0 - 2 * rank + rng.random(), 2) for rank in range(len(themes))]
            tags.append((src, themes, region, scores))
        pending.append(pool.submit(_write, session_factory, articles, tags))
        while len(pending) > 2:
            pending.pop(0).result()
        done += n
        if progress:
            progress(done)
    for future in pending:
        future.result()
    pool.shutdown()
    with session_factory() as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            # Fresh statistics, so the planner sees the new size before the first query.
            session.execute(text("ANALYZE"))
    return done, time.perf_counter() - started


def _write(session_factory, articles: list[dict], tags: list[tuple]) -> None:
    """One batch of articles with their sources, themes, regions (and SQLite's search copy)."""
    with session_factory() as session, session.begin():
        ids = session.scalars(
            insert(Article).returning(Article.id, sort_by_parameter_order=True), articles
        ).all()
        _children(session, ids, articles, tags)
        search.index_articles(
            session, [(i, a["title"], a["text"]) for i, a in zip(ids, articles, strict=True)]
        )


def _children(session: Session, ids, articles, tags) -> None:
    theme_rows, region_rows, source_rows = [], [], []
    for article_id, article, (src, themes, region, scores) in zip(ids, articles, tags,
                                                                   strict=True):  # fmt: skip
        source_rows.append({"article_id": article_id, "source_id": src["id"], "url": article["url"],
                            "first_seen_at": article["fetched_at"]})  # fmt: skip
        for slug, score in zip(themes, scores, strict=True):
            theme_rows.append({
                "article_id": article_id, "theme_slug": slug, "score": score,
                "matches": [{"term": slug, "field": "text", "text": slug}], "origin": "auto",
            })  # fmt: skip
        if region:
            region_rows.append({
                "article_id": article_id, "region_slug": region["slug"], "name": region["name"],
                "kind": region["kind"], "province": region.get("province") or None,
                "matches": [], "from_source": region["slug"] == src["region"],
            })  # fmt: skip
    session.execute(insert(ArticleSource), source_rows)
    session.execute(insert(ArticleTheme), theme_rows)
    if region_rows:
        session.execute(insert(ArticleRegion), region_rows)


def _text(rng: random.Random, themes: list[str], terms: dict, region) -> tuple[str, str]:
    a = rng.choice(terms[themes[0]])
    b = rng.choice(terms[themes[-1]])
    place = region["name"] if region else "de regio"
    title = f"{a[0].upper()}{a[1:]} in {place}: " + rng.choice(
        ["nieuw plan", "raad stemt in", "extra geld", "start pilot", "evaluatie", "akkoord bereikt"]
    )
    sentences = []
    for _ in range(rng.randint(6, 12)):
        sentences.append(
            rng.choice(OPENINGS) + " " + rng.choice(MIDDLES).format(
                a=rng.choice(terms[rng.choice(themes)]), b=b, region=place)
        )  # fmt: skip
        sentences.append(rng.choice(FILLER))
    return title, " ".join(sentences)

"""Retag throughput: `howardshome retag` over a few thousand stored 3 KB articles, per backend.

Run: .venv/bin/python bench/retag.py [--articles 3000] [--size 3000] [--db sqlite postgresql]
Articles are seeded through models.store (sync_sources, store_articles) with the texts of
bench/tagging.py, tagged once as a crawl would, with editors' corrections on 2% of them. Then
retag_all (what `howardshome retag` runs) rewrites every article's tags. Side by side in the
same run: tagging the same texts without any database, so the database's share shows as a
ratio however busy the machine is. PostgreSQL gets a throwaway database on
HOWARDSHOME_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select  # noqa: E402

from crawler.retag import retag_all, tag_record  # noqa: E402
from models import store  # noqa: E402
from models.db import ensure_schema, make_engine, session_factory, transaction  # noqa: E402
from models.entities import Article, ArticleRegion, ArticleTheme, ThemeCorrection  # noqa: E402
from models.taxonomy import load_taxonomy  # noqa: E402
from tagging import Tagger  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_tagging", ROOT / "bench" / "tagging.py")
bench_tagging = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_tagging)
make_articles = bench_tagging.make_articles

PG_ADMIN = os.environ.get("HOWARDSHOME_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def database(kind: str):
    """A fresh, empty database URL of the given kind, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/retag.db"
        return
    import psycopg

    name = f"hh_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(factory, taxonomy, tagger: Tagger, articles: list[tuple[str, str]]) -> None:
    """Store the articles as a crawl would (tagged once), plus corrections on every 50th."""
    source = SimpleNamespace(
        id="bench-gemeente",
        name="Gemeente Bench",
        type="gemeente",
        url="https://bench.example/",
        region="gemeente-utrecht",
        province="provincie-utrecht",
        themes=[],
        enabled=True,
    )
    now = datetime.now(UTC)
    with transaction(factory) as session:
        store.sync_sources(session, [source])
        store.sync_themes(session, taxonomy.themes)
    for start in range(0, len(articles), 500):
        records = []
        for number, (title, text) in enumerate(articles[start : start + 500], start):
            url = f"https://bench.example/nieuws/{number}"
            tags = tag_record(tagger.tag(title, text, source_region=source.region))
            records.append(
                SimpleNamespace(
                    url_hash=hashlib.md5(url.encode()).hexdigest(),
                    url=url,
                    found_url=url,
                    source_id=source.id,
                    title=title,
                    text=text,
                    excerpt=text[:280],
                    author=None,
                    language="nl",
                    published_at=now,
                    fetched_at=now,
                    content_hash=hashlib.md5(text.encode()).hexdigest(),
                    simhash=0,
                    themes=tags.themes,
                    regions=tags.regions,
                )
            )
        with transaction(factory) as session:
            store.store_articles(session, records)
    with transaction(factory) as session:
        ids = session.scalars(select(Article.id).order_by(Article.id)).all()
        for number, article_id in enumerate(ids[::50]):
            session.add(
                ThemeCorrection(
                    article_id=article_id,
                    theme_slug=taxonomy.themes[number % len(taxonomy.themes)].slug,
                    action="add" if number % 2 else "remove",
                    editor="bench",
                )
            )


def timed(factory, taxonomy) -> tuple[int, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    count, _ = retag_all(factory, taxonomy)
    return count, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--size", type=int, default=3000, help="characters of text per article")
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    taxonomy = load_taxonomy(ROOT / "themes.yaml")
    # An editor's change: one new synonym with a weight (articles naming it change tags).
    edited = load_taxonomy(ROOT / "themes.yaml")
    edited.by_slug()["energietransitie"].terms["stroom"] = 2.0
    tagger = Tagger.from_taxonomy(taxonomy)
    articles = make_articles(args.articles, args.size, "topic")
    print(f"articles: {len(articles)} x {args.size} chars (topic), one process, one thread")
    for kind in args.db:
        with database(kind) as url:
            engine = make_engine(url)
            ensure_schema(engine)
            factory = session_factory(engine)
            seed(factory, taxonomy, tagger, articles)
            # The same texts tagged without a database, in the same run: the floor for a retag.
            wall, cpu = time.perf_counter(), time.process_time()
            for title, text in articles:
                tag_record(tagger.tag(title, text, source_region="gemeente-utrecht"))
            tag_wall, tag_cpu = time.perf_counter() - wall, time.process_time() - cpu
            results = [("unchanged taxonomy", *timed(factory, taxonomy))]
            with factory() as session:
                before = session.scalar(select(func.count()).select_from(ArticleTheme))
            results.append(("one synonym added", *timed(factory, edited)))
            with factory() as session:
                after = session.scalar(select(func.count()).select_from(ArticleTheme))
            with transaction(factory) as session:  # every article's tags differ from stored
                session.execute(delete(ArticleTheme))
                session.execute(delete(ArticleRegion))
            results.append(("every article rewritten", *timed(factory, taxonomy)))
            engine.dispose()
        print(f"{kind}: theme rows {before} -> {after} with the synonym")
        print(
            f"  {'tagging alone':<24} wall {tag_wall:5.2f} s = {len(articles) / tag_wall:6,.0f}/s"
            f"   cpu {tag_cpu:5.2f} s = {len(articles) / tag_cpu:6,.0f}/s"
        )
        for name, count, wall, cpu in results:
            print(
                f"  retag, {name:<16} wall {wall:5.2f} s = {count / wall:6,.0f}/s"
                f"   cpu {cpu:5.2f} s = {count / cpu:6,.0f}/s   ratio to tagging (wall) "
                f"{wall / tag_wall:.2f}"
            )
    print("cpu = this process only; PostgreSQL's server time shows in wall only")


if __name__ == "__main__":
    main()

"""Helpers for crash tests: a crawl as a killable process group, kill points, database snapshots."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from models.db import make_engine, session_factory
from models.entities import Article, ArticleRegion, ArticleSource, ArticleTheme, CrawlRun
from tests.conftest import ROOT


class Crawl:
    """`howardshome crawl` in its own process group, so SIGKILL reaches its worker processes too."""

    def __init__(self, env: dict[str, str], sources: Path, out: Path):
        self.out = out
        with open(out, "w") as sink:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli", "crawl", "--sources", str(sources)],
                env=env,
                cwd=str(ROOT),
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill_when(self, condition: Callable[[], bool], timeout: float = 120) -> None:
        """SIGKILL the whole crawl the moment `condition` holds; fails if the crawl ended first."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, (
                f"crawl ended before the kill point:\n{self.output()}"
            )
            assert time.monotonic() < deadline, "kill point not reached in time"
            time.sleep(0.01)  # polling a file and a table: there is no event to wait on
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def finish(self, timeout: float = 180) -> int:
        return self.process.wait(timeout)

    def output(self) -> str:
        return self.out.read_text(errors="replace") if self.out.exists() else ""


def article_count(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Article)).scalar_one()
    except Exception:  # noqa: BLE001 - the schema may not exist yet
        return 0
    finally:
        engine.dispose()


def snapshot(db_url: str) -> dict[str, dict]:
    """Every stored article by URL with its text, sources, themes and regions."""
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        sources: dict[int, set[str]] = {}
        for article_id, source_id in session.execute(
            select(ArticleSource.article_id, ArticleSource.source_id)
        ):
            sources.setdefault(article_id, set()).add(source_id)
        themes: dict[int, set[str]] = {}
        for article_id, slug in session.execute(
            select(ArticleTheme.article_id, ArticleTheme.theme_slug)
        ):
            themes.setdefault(article_id, set()).add(slug)
        regions: dict[int, set[str]] = {}
        for article_id, slug in session.execute(
            select(ArticleRegion.article_id, ArticleRegion.region_slug)
        ):
            regions.setdefault(article_id, set()).add(slug)
        result = {}
        for a in session.scalars(select(Article)):
            assert a.url not in result, f"stored twice: {a.url}"
            linked = sources.get(a.id, set())
            # Which of several publishers was fetched first is a race; that it is linked is not.
            assert a.source_id in linked, f"{a.url}: its own source {a.source_id} is not linked"
            result[a.url] = {
                "source": a.source_id if len(linked) == 1 else None,
                "title": a.title,
                "text": a.text,
                "published_at": a.published_at,
                "sources": sources.get(a.id, set()),
                "themes": themes.get(a.id, set()),
                "regions": regions.get(a.id, set()),
            }
    engine.dispose()
    return result


def assert_consistent(snap: dict[str, dict], reference: dict[str, dict]) -> None:
    """No half-written article: each stored one is whole and equals the uninterrupted crawl's."""
    for url, article in snap.items():
        assert url in reference, f"not in the uninterrupted crawl: {url}"
        expected = reference[url]
        assert article["sources"] <= expected["sources"], url
        if article["source"] is not None and expected["source"] is not None:
            assert article["source"] == expected["source"], url
        for key in ("title", "text", "published_at", "themes", "regions"):
            assert article[key] == expected[key], (url, key)


def crawl_runs(db_url: str) -> list[tuple[str, str | None]]:
    """(status, error) of every recorded run, oldest first."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(CrawlRun.status, CrawlRun.error).order_by(CrawlRun.id)).all()
    engine.dispose()
    return [tuple(row) for row in rows]

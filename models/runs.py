"""Crawl runs and what each source reported in them: the write side of the run history (the
editors' views of it are in models.health)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.db import chunks
from models.entities import CrawlRun, Source, SourceRun


def start_run(session: Session, trigger: str) -> int:
    run = CrawlRun(trigger=trigger, status="running", stats={}, started_at=datetime.now(UTC))
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session, run_id: int, status: str, stats: dict, error: str | None = None
) -> None:
    run = session.get(CrawlRun, run_id)
    if run is None:
        return
    run.status = status
    run.finished_at = datetime.now(UTC)
    run.stats = stats
    run.error = error
    run.articles_new = int(stats.get("articles_new", 0))
    run.sources_failed = len(stats.get("failing_sources", []))


def record_source_runs(session: Session, run_id: int | None, reports: Iterable[dict]) -> None:
    """Write each source's report for this run and update its health counters."""
    now = datetime.now(UTC)
    reports = list(reports)
    ids = [report["source_id"] for report in reports]
    # Two queries load every source and any report already written, instead of two per source;
    # `loaded` keeps them in the session's (weak) identity map for the get() and merge() below.
    loaded: list = []
    for chunk in chunks(ids):
        loaded += session.scalars(select(Source).where(Source.id.in_(chunk)))
        if run_id is not None:
            done = select(SourceRun).where(
                SourceRun.run_id == run_id, SourceRun.source_id.in_(chunk)
            )
            loaded += session.scalars(done)
    written = {(r.run_id, r.source_id) for r in loaded if isinstance(r, SourceRun)}
    for report in reports:
        source = session.get(Source, report["source_id"])
        if source is None:
            continue
        failed = report["status"] == "error"
        source.last_crawl_at = now
        if report.get("method"):
            if report["method"] != source.discovery_method or not source.discovered_at:
                source.discovered_at = now
            source.discovery_method = report["method"]
            source.discovery_urls = report.get("discovery_urls", [])
        source.articles_found = (source.articles_found or 0) + report.get("new_articles", 0)
        if failed:
            source.consecutive_failures = (source.consecutive_failures or 0) + 1
            source.last_error = report["errors"][0]["reason"] if report.get("errors") else "failed"
            source.last_error_at = now
        else:
            source.consecutive_failures = 0
            source.last_success_at = now
        if run_id is not None:
            # A report written before (a continued run) is updated; a new one is just added.
            keep = session.merge if (run_id, report["source_id"]) in written else session.add
            keep(
                SourceRun(
                    run_id=run_id,
                    source_id=report["source_id"],
                    method=report.get("method"),
                    discovery_urls=report.get("discovery_urls", []),
                    urls_seen=report.get("urls_seen", 0),
                    new_articles=report.get("new_articles", 0),
                    status=report["status"],
                    errors=report.get("errors", [])[:50],
                )
            )

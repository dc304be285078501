"""Source health and run history for editors: queries plus plain-text tables."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, object_session

from models.entities import Article, CrawlLock, CrawlRun, Source, SourceRun
from models.entities.base import utcnow


def source_status(session: Session) -> list[Source]:
    """Every catalogued source, broken ones first (most consecutive failures first)."""
    broken_first = case((Source.consecutive_failures > 0, 0), else_=1)
    return list(
        session.scalars(
            select(Source)
            .where(Source.in_catalog.is_(True))
            .order_by(broken_first, Source.consecutive_failures.desc(), Source.id)
        )
    )


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def last_source_runs(session: Session) -> dict[str, SourceRun]:
    """Each source's report from its most recent run."""
    latest = (
        select(SourceRun.source_id, func.max(SourceRun.run_id).label("run_id"))
        .group_by(SourceRun.source_id)
        .subquery()
    )
    rows = session.scalars(
        select(SourceRun).join(
            latest,
            (SourceRun.source_id == latest.c.source_id) & (SourceRun.run_id == latest.c.run_id),
        )
    )
    return {run.source_id: run for run in rows}


def format_status(sources: list[Source]) -> str:
    """Broken sources first with their reason; healthy ones with the URL they are read from."""
    session = object_session(sources[0]) if sources else None
    runs = last_source_runs(session) if session is not None else {}
    header = (
        f"{'source':<40} {'status':<7} {'fails':>5} {'method':<8} {'seen':>5} {'articles':>8} "
        f"{'last ok':<16} error / read from"
    )
    lines = [header, "-" * len(header)]
    for s in sources:
        if s.last_crawl_at is None:
            status = "new"
        elif s.consecutive_failures:
            status = "FAILING"
        else:
            status = "ok"
        urls = list(s.discovery_urls or [])
        where = urls[0] + (f" (+{len(urls) - 1})" if len(urls) > 1 else "") if urls else ""
        detail = (s.last_error or "") if s.consecutive_failures else where
        run = runs.get(s.id)
        seen = str(run.urls_seen) if run is not None else "-"
        lines.append(
            f"{s.id[:40]:<40} {status:<7} {s.consecutive_failures:>5} "
            f"{(s.discovery_method or '-'):<8} {seen:>5} {s.articles_found:>8} "
            f"{_when(s.last_success_at):<16} {detail}"
        )
    return "\n".join(lines)


def recent_runs(session: Session, limit: int = 20) -> list[CrawlRun]:
    return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)))


def close_run(session: Session, run_id: int, status: str, error: str) -> None:
    """End a run that did not crawl to completion, keeping any note already on it."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        return
    run.status = status
    run.finished_at = run.finished_at or utcnow()
    run.error = "; ".join(filter(None, [run.error, error]))


def record_failed_run(session: Session, trigger: str, error: str) -> int:
    """A run that failed before it could crawl (e.g. invalid sources.yaml) is still history."""
    now = utcnow()
    run = CrawlRun(trigger=trigger, status="failed", started_at=now, finished_at=now,
                   stats={}, error=error)  # fmt: skip
    session.add(run)
    session.flush()
    return run.id


def _duration(run: CrawlRun) -> str:
    if not run.finished_at:
        return "-"
    seconds = int((run.finished_at - run.started_at).total_seconds())
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def format_runs(runs: list[CrawlRun]) -> str:
    """One line per run (times in UTC), then its themes, failing sources and error indented."""
    header = (
        f"{'run':>5} {'trigger':<9} {'started (UTC)':<16} {'duration':>8} {'status':<9} "
        f"{'new':>6} {'failing':>7}"
    )
    lines = [header, "-" * len(header)]
    for run in runs:
        lines.append(
            f"{run.id:>5} {run.trigger:<9} {_when(run.started_at):<16} {_duration(run):>8} "
            f"{run.status:<9} {run.articles_new:>6} {run.sources_failed:>7}"
        )
        stats = run.stats or {}
        themes = sorted((stats.get("themes") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        if themes:
            lines.append("      themes: " + ", ".join(f"{slug} {n}" for slug, n in themes))
        failing = stats.get("failing_sources") or []
        if failing:
            shown = ", ".join(f"{f['id']} ({f['reason']})" for f in failing[:5])
            more = f" and {len(failing) - 5} more" if len(failing) > 5 else ""
            lines.append(f"      failing: {shown}{more}")
        if run.error:
            lines.append(f"      error: {run.error}")
    if not runs:
        lines.append("no crawl runs recorded yet")
    return "\n".join(lines)


def operations_summary(session: Session) -> dict:
    """The figures /metrics exposes: stored articles, failing sources, the last runs."""
    runs_by_status = dict(
        session.execute(select(CrawlRun.status, func.count()).group_by(CrawlRun.status)).all()
    )
    last = session.scalars(
        select(CrawlRun).where(CrawlRun.status != "running").order_by(CrawlRun.id.desc()).limit(1)
    ).first()
    last_success = session.scalar(
        select(func.max(CrawlRun.finished_at)).where(CrawlRun.status == "completed")
    )
    in_catalog = Source.in_catalog.is_(True)
    return {
        "articles": session.scalar(select(func.count()).select_from(Article)) or 0,
        "sources": session.scalar(select(func.count()).where(in_catalog)) or 0,
        "sources_failing": session.scalar(
            select(func.count()).where(in_catalog, Source.consecutive_failures > 0)
        )
        or 0,
        "runs_by_status": runs_by_status,
        "crawl_running": session.scalar(select(func.count()).select_from(CrawlLock)) or 0,
        "last_run": last,
        "last_success_at": last_success,
    }

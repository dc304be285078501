"""Source health and run history for editors: queries plus plain-text tables."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from models.entities import CrawlRun, Source


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


def format_status(sources: list[Source]) -> str:
    header = f"{'source':<40} {'status':<7} {'fails':>5} {'method':<8} {'articles':>8} {'last ok':<16} error"
    lines = [header, "-" * len(header)]
    for s in sources:
        if s.last_crawl_at is None:
            status = "new"
        elif s.consecutive_failures:
            status = "FAILING"
        else:
            status = "ok"
        error = (s.last_error or "") if s.consecutive_failures else ""
        lines.append(
            f"{s.id[:40]:<40} {status:<7} {s.consecutive_failures:>5} "
            f"{(s.discovery_method or '-'):<8} {s.articles_found:>8} "
            f"{_when(s.last_success_at):<16} {error}"
        )
    return "\n".join(lines)


def recent_runs(session: Session, limit: int = 20) -> list[CrawlRun]:
    return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)))


def format_runs(runs: list[CrawlRun]) -> str:
    header = f"{'run':>5} {'started':<16} {'finished':<16} {'status':<10} {'new':>6} {'failing':>7} error"
    lines = [header, "-" * len(header)]
    for run in runs:
        lines.append(
            f"{run.id:>5} {_when(run.started_at):<16} {_when(run.finished_at):<16} "
            f"{run.status:<10} {run.articles_new:>6} {run.sources_failed:>7} {run.error or ''}"
        )
    return "\n".join(lines)

"""Each site's robots.txt between runs: the fresh copies to use, the ones fetched to keep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.db import insert_for
from models.entities import RobotsTxt


def fresh_robots(session: Session, max_age_hours: float) -> dict[str, bytes]:
    """origin -> robots.txt body, for the copies read less than `max_age_hours` ago."""
    if max_age_hours <= 0:
        return {}
    since = datetime.now(UTC) - timedelta(hours=max_age_hours)
    rows = session.execute(
        select(RobotsTxt.origin, RobotsTxt.body).where(RobotsTxt.fetched_at > since)
    )
    return {origin: bytes(body) for origin, body in rows}


def save_robots(
    session: Session, fetched: dict[str, tuple[bytes, int]], max_age_hours: float
) -> None:
    """Keep the robots.txt files this run read (origin -> (body, status)); drop stale copies."""
    now = datetime.now(UTC)
    if fetched:
        statement = insert_for(session)(RobotsTxt)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["origin"],
                set_={c: statement.excluded[c] for c in ("body", "status", "fetched_at")},
            ),
            [{"origin": o, "body": body, "status": status, "fetched_at": now}
             for o, (body, status) in fetched.items()],
        )  # fmt: skip
    since = now - timedelta(hours=max(max_age_hours, 24))
    session.execute(delete(RobotsTxt).where(RobotsTxt.fetched_at <= since))

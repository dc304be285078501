"""Each site's robots.txt between runs: the fresh copies to use, the ones fetched to keep, and
older copies that may stand in for a robots.txt that answers a server error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.db import insert_for
from models.entities import RobotsTxt

# RFC 9309 2.3.1.4: while a robots.txt answers server errors, a crawler must assume complete
# disallow, or may "continue to use a cached copy". Copies are kept this long for that.
STALE_DAYS = 30


def stored_robots(
    session: Session, max_age_hours: float
) -> tuple[dict[str, bytes], dict[str, tuple[bytes, datetime]]]:
    """The stored copies, in one query: (origin -> body) of those read less than
    `max_age_hours` ago, used as they are, and (origin -> (body, fetched_at)) of the older ones
    still kept, used only when the site's robots.txt answers a server error."""
    now = datetime.now(UTC)
    fresh_since = now - timedelta(hours=max(max_age_hours, 0))
    rows = session.execute(
        select(RobotsTxt.origin, RobotsTxt.body, RobotsTxt.fetched_at).where(
            RobotsTxt.fetched_at > now - _kept_for(max_age_hours)
        )
    )
    fresh: dict[str, bytes] = {}
    stale: dict[str, tuple[bytes, datetime]] = {}
    for origin, body, fetched_at in rows:
        if fetched_at > fresh_since:
            fresh[origin] = bytes(body)
        else:
            stale[origin] = (bytes(body), fetched_at)
    return fresh, stale


def _kept_for(max_age_hours: float) -> timedelta:
    return max(timedelta(hours=max_age_hours), timedelta(days=STALE_DAYS))


def save_robots(
    session: Session, fetched: dict[str, tuple[bytes, int]], max_age_hours: float
) -> None:
    """Keep the robots.txt files this run read (origin -> (body, status)); drop copies older
    than STALE_DAYS (or than `max_age_hours`, if that is longer)."""
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
    since = now - _kept_for(max_age_hours)
    session.execute(delete(RobotsTxt).where(RobotsTxt.fetched_at <= since))

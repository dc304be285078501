"""Helpers shared by the route modules."""

from __future__ import annotations

from datetime import datetime

from fastapi import HTTPException, Request


def session(request: Request):
    with request.app.state.sessions() as s:
        yield s


def parse_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """Keyset cursor "<iso timestamp>_<id>"; a malformed cursor is a 400, not a 500."""
    if not cursor:
        return None
    stamp, _, ident = cursor.rpartition("_")
    try:
        return datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        raise HTTPException(status_code=400, detail="ongeldige cursor") from None


def make_cursor(article) -> str:
    return f"{article.sort_at.isoformat()}_{article.id}"

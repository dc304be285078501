"""Validators of the last fetch of a feed, sitemap or listing page, for conditional GET."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.entities.base import Base, UTCDateTime, utcnow


class FetchState(Base):
    __tablename__ = "fetch_state"

    url_hash: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A listing page without validators: the hash of its body, to know it unchanged.
    body_hash: Mapped[str | None] = mapped_column(String(32))

"""A source website as the database knows it: catalog fields plus its health."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.entities.base import Base, JsonType, UTCDateTime, utcnow


class Source(Base):
    __tablename__ = "source"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(40), default="overig", index=True)
    url: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    theme_hints: Mapped[list] = mapped_column(JsonType, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    in_catalog: Mapped[bool] = mapped_column(Boolean, default=True)
    # How the source is read, as found by discovery and remembered for the next run.
    discovery_method: Mapped[str | None] = mapped_column(String(20))
    discovery_urls: Mapped[list] = mapped_column(JsonType, default=list)
    discovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Health (Miniflux): broken sources sort first wherever editors look.
    last_crawl_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    articles_found: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

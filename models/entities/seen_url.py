"""A page downloaded but not stored (no article text, too short, no title, another language,
older than the window): remembered so the next nightly crawl does not download it again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.entities.base import Base, UTCDateTime, utcnow


class SeenUrl(Base):
    __tablename__ = "seen_url"

    url_hash: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    # Re-checked once this is older than the crawl's seen_recheck_days (a page may change).
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A page whose extraction or download failed: the URL to request again next run (whatever
    # its feed answers), until `attempts` reaches models.store.MAX_ATTEMPTS; then NULL.
    retry_url: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

"""How one source fared in one run: how it was read, what was seen, what went wrong."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.entities.base import Base, JsonType


class SourceRun(Base):
    __tablename__ = "source_run"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_run.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[str] = mapped_column(ForeignKey("source.id"), primary_key=True)
    method: Mapped[str | None] = mapped_column(String(20))
    discovery_urls: Mapped[list] = mapped_column(JsonType, default=list)
    urls_seen: Mapped[int] = mapped_column(Integer, default=0)
    new_articles: Mapped[int] = mapped_column(Integer, default=0)
    # ok | error
    status: Mapped[str] = mapped_column(String(10), default="ok")
    # [{"url": ..., "reason": ...}]
    errors: Mapped[list] = mapped_column(JsonType, default=list)

"""A theme tag on an article, with its score and the matched terms that explain it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.entities.base import Base, JsonType, UTCDateTime


class ArticleTheme(Base):
    __tablename__ = "article_theme"
    __table_args__ = (Index("ix_article_theme_keyset", "theme_slug", "sort_at", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    theme_slug: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # [{"term": ..., "field": "title"|"text", "start": int, "end": int, "text": ...}]
    matches: Mapped[list] = mapped_column(JsonType, default=list)
    # "auto" from the tagger, "manual" when an editor added it.
    origin: Mapped[str] = mapped_column(String(10), default="auto")
    # The article's sort_at, copied by database triggers (migration 0004) for keyset theme lists.
    sort_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

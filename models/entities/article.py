"""A news article, keyed by the hash of its canonical URL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.entities.base import Base, UTCDateTime, utcnow


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (Index("ix_article_sort_at_id", "sort_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url_hash: Mapped[str] = mapped_column(String(32), unique=True)
    url: Mapped[str] = mapped_column(Text)
    source_id: Mapped[str] = mapped_column(ForeignKey("source.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    # The publication date when known; sort_at falls back to the fetch date.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sort_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(32), index=True)
    simhash: Mapped[int] = mapped_column(BigInteger, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    themes = relationship("ArticleTheme", lazy="selectin", cascade="all, delete-orphan")
    regions = relationship("ArticleRegion", lazy="selectin", cascade="all, delete-orphan")
    sources = relationship("ArticleSource", lazy="selectin", cascade="all, delete-orphan")

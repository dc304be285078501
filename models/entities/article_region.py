"""A region (municipality, province, water board) an article is about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.entities.base import Base, JsonType, UTCDateTime


class ArticleRegion(Base):
    __tablename__ = "article_region"
    __table_args__ = (
        Index("ix_article_region_keyset", "region_slug", "sort_at", "article_id"),
        Index("ix_article_region_province_keyset", "province", "sort_at", "article_id"),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    region_slug: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    province: Mapped[str | None] = mapped_column(String(100))
    matches: Mapped[list] = mapped_column(JsonType, default=list)
    from_source: Mapped[bool] = mapped_column(Boolean, default=False)
    # The article's sort_at, copied by database triggers (migration 0004) for keyset region lists.
    sort_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

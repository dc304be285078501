"""An editor's manual correction of an article's themes; survives every retag."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.entities.base import Base, UTCDateTime, utcnow


class ThemeCorrection(Base):
    __tablename__ = "theme_correction"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    theme_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    # "add" forces the theme on, "remove" keeps the tagger from adding it.
    action: Mapped[str] = mapped_column(String(10))
    editor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""What an editor did in the portal (hide, correct themes): shown to editors; dates the data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.entities.base import Base, JsonType, UTCDateTime, utcnow


class EditorAction(Base):
    __tablename__ = "editor_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    editor: Mapped[str] = mapped_column(String(100))
    # hide | unhide | theme-add | theme-remove | theme-reset
    action: Mapped[str] = mapped_column(String(20))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), index=True
    )
    detail: Mapped[dict] = mapped_column(JsonType, default=dict)

"""A site's robots.txt as last read, used again while fresh (RFC 9309: at most 24 hours)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.entities.base import Base, UTCDateTime, utcnow


class RobotsTxt(Base):
    __tablename__ = "robots_txt"

    origin: Mapped[str] = mapped_column(Text, primary_key=True)  # scheme://host[:port]
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

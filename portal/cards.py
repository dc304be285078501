"""Articles as lists and feeds show them: two queries for a page of cards, no ORM objects.

Loading a page of 30 `Article` entities with their theme, region and source rows built ~140
ORM objects and decoded ~80 JSON columns (the tags' matched terms) that no card shows: about
as much CPU as the rest of the page. A card needs the article's own columns and its themes'
slugs and scores, read here as plain rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from models.entities import Article, ArticleTheme


@dataclass(slots=True)
class Tag:
    theme_slug: str
    score: float


@dataclass(slots=True)
class Card:
    id: int
    url: str
    title: str
    excerpt: str
    source_id: str
    published_at: datetime | None
    sort_at: datetime
    text: str  # "" unless asked for (search snippets)
    themes: list[Tag]  # best-scoring first


COLUMNS = (Article.id, Article.url, Article.title, Article.excerpt, Article.source_id,
           Article.published_at, Article.sort_at)  # fmt: skip


def load_cards(session: Session, ids: list[int], with_text: bool = False) -> list[Card]:
    """Cards for `ids`, in that order (ids that no longer exist are left out)."""
    if not ids:
        return []
    columns = COLUMNS + ((Article.text,) if with_text else ())
    rows = {
        row[0]: row
        for row in session.execute(select(*columns).where(id_in(session, Article.id, ids)))
    }
    tags: dict[int, list[Tag]] = defaultdict(list)
    for article_id, slug, score in session.execute(
        select(ArticleTheme.article_id, ArticleTheme.theme_slug, ArticleTheme.score).where(
            id_in(session, ArticleTheme.article_id, ids)
        )
    ):
        tags[article_id].append(Tag(slug, score))
    cards = []
    for i in ids:
        row = rows.get(i)
        if row is None:
            continue
        themes = sorted(tags.get(i, ()), key=lambda t: -t.score)
        values: Any = row  # (id, url, title, excerpt, source_id, published_at, sort_at[, text])
        text = values[7] if with_text else ""
        cards.append(_card(values, text or "", themes))
    return cards


def load_listed(session: Session, ids_query) -> list[Card]:
    """Cards for a SELECT of ids (ordered and limited), newest first, in one round trip: the
    articles joined to that page of ids, each with its theme rows."""
    page = ids_query.subquery("p")
    rows = session.execute(
        select(*COLUMNS, ArticleTheme.theme_slug, ArticleTheme.score)
        .join_from(page, Article, Article.id == list(page.c)[0])
        .outerjoin(ArticleTheme, ArticleTheme.article_id == Article.id)
        .order_by(Article.sort_at.desc(), Article.id.desc())
    )
    cards: dict[int, Card] = {}
    for row in rows:
        values: Any = row  # the card's columns, then one theme's slug and score (or NULLs)
        card = cards.get(values[0])
        if card is None:
            card = cards[values[0]] = _card(values, "", [])
        if values[7] is not None:
            card.themes.append(Tag(values[7], values[8]))
    for card in cards.values():
        card.themes.sort(key=lambda t: -t.score)
    return list(cards.values())


def _card(values: Any, text: str, themes: list[Tag]) -> Card:
    """A card from a row starting with COLUMNS' values."""
    return Card(values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                text, themes)  # fmt: skip


def id_in(session: Session, column, ids: list[int]):
    """`column IN ids`: on PostgreSQL one array parameter (`= ANY`), one statement text for any
    number of ids; an expanded IN renders a parameter per id (~3 ms of CPU for a page of 31)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)

"""Re-tag every stored article after a taxonomy change; editors' corrections survive."""

from __future__ import annotations

import dataclasses
import time
from types import SimpleNamespace

from sqlalchemy import select

from models import store
from models.db import transaction
from models.entities import Article, Source
from tagging import Tagger


def retag_all(factory, taxonomy, batch: int = 500) -> tuple[int, float]:
    """Returns (articles retagged, seconds)."""
    tagger = Tagger.from_taxonomy(taxonomy)
    started = time.perf_counter()
    count = 0
    with transaction(factory) as session:
        store.sync_themes(session, taxonomy.themes)
        sources = {
            s.id: (s.region, list(s.theme_hints or [])) for s in session.scalars(select(Source))
        }
    last_id = 0
    while True:
        with transaction(factory) as session:
            rows = session.execute(
                select(Article.id, Article.title, Article.text, Article.source_id)
                .where(Article.id > last_id)
                .order_by(Article.id)
                .limit(batch)
            ).all()
            if not rows:
                break
            for article_id, title, text, source_id in rows:
                region, hints = sources.get(source_id, (None, []))
                tagging = tagger.tag(title, text, source_region=region, source_themes=hints)
                record = SimpleNamespace(
                    themes=[dataclasses.asdict(t) for t in tagging.themes],
                    regions=[dataclasses.asdict(r) for r in tagging.regions],
                )
                store.replace_tags(session, article_id, record)
            count += len(rows)
            last_id = rows[-1][0]
    return count, time.perf_counter() - started

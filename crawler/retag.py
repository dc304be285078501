"""Re-tag every stored article after a taxonomy change; editors' corrections survive."""

from __future__ import annotations

import time
from collections import defaultdict
from types import SimpleNamespace

from sqlalchemy import delete, insert, select

from models import store
from models.db import transaction
from models.entities import Article, ArticleRegion, ArticleTheme, Source, ThemeCorrection
from tagging import Tagger, Tagging


def tag_record(tagging: Tagging) -> SimpleNamespace:
    """The stored form of a tagging (themes and regions as dicts, matches included), built
    directly: dataclasses.asdict's deep copies cost more than the tagging itself."""
    return SimpleNamespace(
        themes=[
            {"slug": t.slug, "score": t.score, "matches": [vars(m).copy() for m in t.matches]}
            for t in tagging.themes
        ],
        regions=[
            {
                "slug": r.slug,
                "name": r.name,
                "kind": r.kind,
                "province": r.province,
                "matches": [vars(m).copy() for m in r.matches],
                "from_source": r.from_source,
            }
            for r in tagging.regions
        ],
    )


def retag_all(factory, taxonomy, batch: int = 500) -> tuple[int, float]:
    """Returns (articles retagged, seconds). One transaction and six statements per batch."""
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
            tagged = []
            for article_id, title, text, source_id in rows:
                region, hints = sources.get(source_id, (None, []))
                tagging = tagger.tag(title, text, source_region=region, source_themes=hints)
                tagged.append((article_id, tag_record(tagging)))
            _replace_tags(session, tagged)
            count += len(rows)
            last_id = rows[-1][0]
    with transaction(factory) as session:
        store.bump_data_version(session)  # the portal serves the new tags at once
    return count, time.perf_counter() - started


def _replace_tags(session, tagged: list[tuple[int, SimpleNamespace]]) -> None:
    """store.replace_tags for a whole batch: automatic tags replaced, editors' corrections win
    ("remove" keeps a theme off, "add" keeps it on, marked manual). Articles whose tags come
    out exactly as stored (scores, explanations and all) are left alone: after a taxonomy
    change most are, and reading is much cheaper than rewriting."""
    ids = [article_id for article_id, _ in tagged]
    corrections: dict[int, dict[str, str]] = defaultdict(dict)
    for article_id, slug, action in session.execute(
        select(
            ThemeCorrection.article_id, ThemeCorrection.theme_slug, ThemeCorrection.action
        ).where(ThemeCorrection.article_id.in_(ids))
    ):
        corrections[article_id][slug] = action
    stored: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for article_id, *row in session.execute(
        select(
            ArticleTheme.article_id,
            ArticleTheme.theme_slug,
            ArticleTheme.score,
            ArticleTheme.matches,
            ArticleTheme.origin,
        ).where(ArticleTheme.article_id.in_(ids))
    ):
        stored[article_id][0].append(tuple(row))
    for article_id, *row in session.execute(
        select(
            ArticleRegion.article_id,
            ArticleRegion.region_slug,
            ArticleRegion.name,
            ArticleRegion.kind,
            ArticleRegion.province,
            ArticleRegion.matches,
            ArticleRegion.from_source,
        ).where(ArticleRegion.article_id.in_(ids))
    ):
        stored[article_id][1].append(tuple(row))
    changed: list[int] = []
    theme_rows: list[dict] = []
    region_rows: list[dict] = []
    for article_id, record in tagged:
        themes = _theme_rows(article_id, record, corrections.get(article_id, {}))
        regions = [
            {
                "article_id": article_id,
                "region_slug": r["slug"],
                "name": r["name"],
                "kind": r["kind"],
                "province": r["province"],
                "matches": r["matches"],
                "from_source": bool(r["from_source"]),
            }
            for r in record.regions
        ]
        old_themes, old_regions = stored.get(article_id, ([], []))
        if sorted(old_themes, key=_first) == sorted(
            ((t["theme_slug"], t["score"], t["matches"], t["origin"]) for t in themes), key=_first
        ) and sorted(old_regions, key=_first) == sorted(
            (
                (r["region_slug"], r["name"], r["kind"], r["province"], r["matches"],
                 r["from_source"])
                for r in regions
            ),
            key=_first,
        ):  # fmt: skip
            continue
        changed.append(article_id)
        theme_rows += themes
        region_rows += regions
    if not changed:
        return
    session.execute(delete(ArticleTheme).where(ArticleTheme.article_id.in_(changed)))
    session.execute(delete(ArticleRegion).where(ArticleRegion.article_id.in_(changed)))
    # Core inserts (one executemany each), not the ORM's per-row bulk bookkeeping.
    if theme_rows:
        session.execute(insert(ArticleTheme.__table__), theme_rows)
    if region_rows:
        session.execute(insert(ArticleRegion.__table__), region_rows)


def _first(row: tuple):
    return row[0]


def _theme_rows(article_id: int, record: SimpleNamespace, fixed: dict[str, str]) -> list[dict]:
    """Theme rows as store.replace_tags writes them, editors' corrections applied."""
    rows = []
    auto = set()
    for t in record.themes:
        action = fixed.get(t["slug"])
        if action == "remove":
            continue
        auto.add(t["slug"])
        rows.append(
            {
                "article_id": article_id,
                "theme_slug": t["slug"],
                "score": float(t["score"]),
                "matches": t["matches"],
                "origin": "manual" if action == "add" else "auto",
            }
        )
    for slug, action in fixed.items():
        if action == "add" and slug not in auto:
            rows.append(
                {"article_id": article_id, "theme_slug": slug, "score": 0.0, "matches": [],
                 "origin": "manual"}
            )  # fmt: skip
    return rows

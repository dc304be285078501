"""Re-tag every stored article after a taxonomy change; editors' corrections survive.

After an edit to themes.yaml most articles come out tagged exactly as they were, so a retag mostly
reads. Per batch of articles (one transaction): the articles are read (id, title, text, source),
tagged, and their stored tag rows read with the explanations as JSON text. The new tags are
serialised the way the database hands that text back (`json_encoder`) and compared with the stored
rows in memory, row by row. Only differences are written, each kind as one executemany per table:
a changed row is updated in place (no trigger fires: the article, its sort_at copy and its
full-text index are not touched), a new row inserted, a row no longer wanted deleted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring, encode_basestring_ascii
from types import SimpleNamespace

from sqlalchemy import select

from models import store
from models.db import transaction
from models.entities import Source
from tagging import Match, Tagger, Tagging

log = logging.getLogger(__name__)

BATCH = 2000  # articles per transaction: ~25,000 tag rows read in two statements


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


@dataclass
class RetagReport:
    articles: int = 0
    changed: int = 0  # articles with at least one tag row written
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    seconds: float = 0.0

    @property
    def rows_written(self) -> int:
        return self.inserted + self.updated + self.deleted

    def __str__(self) -> str:
        return (
            f"{self.articles} articles in {self.seconds:.1f}s, {self.changed} with new tags "
            f"({self.inserted} rows added, {self.updated} changed, {self.deleted} removed)"
        )


def retag_all(factory, taxonomy, batch: int = BATCH) -> tuple[int, float]:
    """What `howardshome retag` runs: (articles retagged, seconds)."""
    report = retag(factory, taxonomy, batch)
    log.info("retag: %s", report)
    return report.articles, report.seconds


def retag(factory, taxonomy, batch: int = BATCH, tagger: Tagger | None = None) -> RetagReport:
    """Re-tag every article, writing only the tag rows that differ from the stored ones."""
    started = time.perf_counter()
    tagger = tagger or Tagger.from_taxonomy(taxonomy)
    report = RetagReport()
    with transaction(factory) as session:
        store.sync_themes(session, taxonomy.themes)
        sources = {
            s.id: (s.region, tuple(s.theme_hints or ())) for s in session.scalars(select(Source))
        }
        writer = _TagWriter(session.get_bind().dialect.name)
    last_id = 0
    while True:
        with transaction(factory) as session:
            cursor = session.connection().connection.cursor()
            try:
                cursor.execute(writer.articles, (last_id, batch))
                rows = cursor.fetchall()
                if not rows:
                    break
                last_id = rows[-1][0]
                stored = writer.read(cursor, rows[0][0], last_id)
                for article_id, title, text, source_id, sort_at in rows:
                    region, hints = sources.get(source_id, (None, ()))
                    tagging = tagger.tag(title, text, source_region=region, source_themes=hints)
                    writer.compare(article_id, sort_at, tagging, stored)
                writer.flush(cursor, report)
            finally:
                cursor.close()
            report.articles += len(rows)
    with transaction(factory) as session:
        store.bump_data_version(session)  # the portal serves the new tags at once
    report.seconds = time.perf_counter() - started
    return report


def json_encoder(dialect: str) -> Callable[[Sequence[Match]], str]:
    """Matches as the text the database returns for a JSON column written with them.

    SQLite keeps what SQLAlchemy's JSON type wrote: json.dumps of the dicts (the dataclass's field
    order, as the crawler stores them). PostgreSQL's jsonb prints keys by length, then bytewise,
    with ", " and ": " and non-ASCII characters as they are. Formatted by hand with the json
    module's C string escapers: several times cheaper than json.dumps per row. A form that
    differed would only cost a rewrite of the row (tests/test_retag.py checks both are exact)."""
    if dialect == "postgresql":
        escape = encode_basestring
        form = '{"end": %d, "term": %s, "text": %s, "field": %s, "start": %d}'
        return lambda matches: (
            "["
            + ", ".join(
                [
                    form % (m.end, escape(m.term), escape(m.text), escape(m.field), m.start)
                    for m in matches
                ]
            )
            + "]"
        )
    escape = encode_basestring_ascii
    form = '{"term": %s, "field": %s, "start": %d, "end": %d, "text": %s}'
    return lambda matches: (
        "["
        + ", ".join(
            [
                form % (escape(m.term), escape(m.field), m.start, m.end, escape(m.text))
                for m in matches
            ]
        )
        + "]"
    )


class _TagWriter:
    """Collects the differences between new and stored tag rows of a batch and writes them."""

    def __init__(self, dialect: str):
        mark = "%s" if dialect == "postgresql" else "?"
        # sort_at as the driver gives it, to be written back as it is (see _Table.insert).
        self.articles = (
            f"SELECT id, title, text, source_id, sort_at FROM article WHERE id > {mark} "
            f"ORDER BY id LIMIT {mark}"
        )
        self.corrections_sql = (
            "SELECT article_id, theme_slug, action FROM theme_correction "
            f"WHERE article_id BETWEEN {mark} AND {mark}"
        )
        self.encode = json_encoder(dialect)
        self.themes = _Table("article_theme", "theme_slug", ("score", "matches", "origin"),
                             dialect)  # fmt: skip
        self.regions = _Table(
            "article_region",
            "region_slug",
            ("name", "kind", "province", "matches", "from_source"),
            dialect,
        )
        self.corrections: dict[int, dict[str, str]] = {}
        self.changed = 0

    def read(self, cursor, first_id: int, last_id: int) -> tuple[dict, dict]:
        """Stored theme and region rows of articles first_id..last_id, by article and slug;
        editors' corrections of the same articles kept for compare()."""
        self.corrections = {}
        cursor.execute(self.corrections_sql, (first_id, last_id))
        for article_id, slug, action in cursor.fetchall():
            self.corrections.setdefault(article_id, {})[slug] = action
        return (
            self.themes.read(cursor, first_id, last_id),
            self.regions.read(cursor, first_id, last_id),
        )

    def compare(self, article_id: int, sort_at, tagging: Tagging, stored: tuple[dict, dict]):
        """Queue the rows of one article that differ from what is stored."""
        encode = self.encode
        fixed = self.corrections.get(article_id, {})
        themes: dict[str, tuple] = {}
        for tag in tagging.themes:
            action = fixed.get(tag.slug)
            if action != "remove":  # an editor's removal keeps the theme off
                origin = "manual" if action == "add" else "auto"
                themes[tag.slug] = (float(tag.score), encode(tag.matches), origin)
        for slug, action in fixed.items():  # an editor's addition keeps it on
            if action == "add" and slug not in themes:
                themes[slug] = (0.0, "[]", "manual")
        # A province rolled up from a place in it, or the source's own region, names no match.
        regions = {
            r.slug: (
                r.name,
                r.kind,
                r.province,
                encode(r.matches) if r.matches else "[]",
                bool(r.from_source),
            )
            for r in tagging.regions
        }
        changed = self.themes.compare(article_id, sort_at, themes, stored[0].get(article_id, {}))
        if self.regions.compare(article_id, sort_at, regions, stored[1].get(article_id, {})):
            changed = True
        self.changed += changed

    def flush(self, cursor, report: RetagReport) -> None:
        for table in (self.themes, self.regions):
            inserted, updated, deleted = table.flush(cursor)
            report.inserted += inserted
            report.updated += updated
            report.deleted += deleted
        report.changed += self.changed
        self.changed = 0


class _Table:
    """One tag table: stored rows read as tuples, differences queued and written in bulk.

    The statements go to the driver's cursor as SQL text (the same on both backends but for the
    placeholder and the JSON cast): tuples come straight from the driver and go straight back,
    with no Row objects, type processing or per-row parameter compilation in between."""

    def __init__(self, table: str, key: str, values: tuple[str, ...], dialect: str):
        mark = "%s" if dialect == "postgresql" else "?"
        # Matches travel as JSON text both ways: read as text, bound as text.
        json_mark = f"CAST({mark} AS jsonb)" if dialect == "postgresql" else mark
        marks = ", ".join(json_mark if v == "matches" else mark for v in values)
        read = ", ".join(f"CAST({v} AS TEXT)" if v == "matches" else v for v in values)
        self.select = (
            f"SELECT article_id, {key}, {read} FROM {table} "
            f"WHERE article_id BETWEEN {mark} AND {mark}"
        )
        # sort_at is given (the article's, read with it): the copying trigger then does nothing.
        # An editor may add the same theme while a batch is open: the newer row wins.
        self.insert = (
            f"INSERT INTO {table} (article_id, {key}, {', '.join(values)}, sort_at) "
            f"VALUES ({mark}, {mark}, {marks}, {mark}) ON CONFLICT (article_id, {key}) "
            f"DO UPDATE SET {', '.join(f'{v} = excluded.{v}' for v in values)}"
        )
        assignments = ", ".join(f"{v} = {json_mark if v == 'matches' else mark}" for v in values)
        self.update = (
            f"UPDATE {table} SET {assignments} WHERE article_id = {mark} AND {key} = {mark}"
        )
        self.delete = f"DELETE FROM {table} WHERE article_id = {mark} AND {key} = {mark}"
        self.inserts: list[tuple] = []
        self.updates: list[tuple] = []
        self.deletes: list[tuple] = []

    def read(self, cursor, first_id: int, last_id: int) -> dict[int, dict[str, tuple]]:
        cursor.execute(self.select, (first_id, last_id))
        stored: dict[int, dict[str, tuple]] = {}
        for row in cursor.fetchall():
            stored.setdefault(row[0], {})[row[1]] = row[2:]
        return stored

    def compare(
        self, article_id: int, sort_at, new: dict[str, tuple], old: dict[str, tuple]
    ) -> bool:
        if new == old:
            return False
        for slug, row in new.items():
            before = old.get(slug)
            if before is None:
                self.inserts.append((article_id, slug, *row, sort_at))
            elif before != row:
                self.updates.append((*row, article_id, slug))
        for slug in old.keys() - new.keys():
            self.deletes.append((article_id, slug))
        return True

    def flush(self, cursor) -> tuple[int, int, int]:
        counts = len(self.inserts), len(self.updates), len(self.deletes)
        for statement, rows in (
            (self.delete, self.deletes),
            (self.update, self.updates),
            (self.insert, self.inserts),
        ):
            if rows:
                cursor.executemany(statement, rows)
        self.inserts, self.updates, self.deletes = [], [], []
        return counts

"""Dutch full-text search on both backends: the one place their differences live.

PostgreSQL keeps a generated `article.search_vector` (`dutch` configuration, GIN index); SQLite
keeps an FTS5 table `article_fts` holding a Snowball-stemmed copy of title and text, written by
`index_articles` when the store adds articles. Both use the same stemmer (PostgreSQL's `dutch`
dictionary is Snowball's original Dutch algorithm, `dutch_porter` in snowballstemmer), and the same
query rule: every word must match, as a prefix of its doubly stemmed form, because Snowball stems
"fietsen" to "fiets" but "fiets" to "fiet" - matching "fiet*" lets each find the other, and lets a
word find the compounds it starts ("fiets" finds "fietspad").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from markupsafe import Markup, escape
from sqlalchemy import Float, Integer, func, literal_column, text
from sqlalchemy.orm import Session

# PostgreSQL's dutch.stop: the dutch configuration drops these words from documents, so a query
# must not require them either.
STOPWORDS = frozenset(
    """de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om
    hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar
    heb hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel
    meer doen toen moet ben zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt
    wezen kunnen ons zelf tegen na reeds wil kon niets uw iemand geweest andere""".split()
)
WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8
MIN_PREFIX = 4  # shorter stems match exactly, or "wet" would find every "wethouder"

_stemmer = snowballstemmer.stemmer("dutch_porter")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word.lower())


@dataclass(frozen=True)
class Term:
    """One query word: documents match when a token equals `exact` or starts with `prefix`."""

    word: str
    exact: str
    prefix: str | None

    def matches(self, token_stem: str) -> bool:
        if self.prefix:
            return token_stem.startswith(self.prefix)
        return token_stem == self.exact or token_stem == stem(self.exact)


def parse_query(query: str) -> list[Term]:
    """The words of a search box entry that can match anything, at most MAX_TERMS."""
    terms: list[Term] = []
    seen = set()
    for word in WORD.findall(query.lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        once = stem(word)
        twice = stem(once)
        key = (once, twice)
        if key in seen:
            continue
        seen.add(key)
        terms.append(Term(word, once, twice if len(twice) >= MIN_PREFIX else None))
        if len(terms) == MAX_TERMS:
            break
    return terms


def stemmed(value: str) -> str:
    """Text as stems separated by spaces: what SQLite's FTS table indexes."""
    return " ".join(stem(w) for w in WORD.findall(value))


def _safe(token: str) -> str:
    # Stems are \w+ only, but keep tsquery/FTS5 syntax out regardless.
    return re.sub(r"[^\w]", "", token)


def pg_tsquery(terms: Sequence[Term]) -> str:
    """A to_tsquery('simple', ...) expression: the stems are already Dutch stems."""
    parts = []
    for t in terms:
        if t.prefix:
            parts.append(f"{_safe(t.prefix)}:*")
        else:
            alternatives = sorted({_safe(t.exact), _safe(stem(t.exact))})
            parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)


def fts5_query(terms: Sequence[Term]) -> str:
    """An FTS5 MATCH expression over the stemmed copy."""
    parts = []
    for t in terms:
        if t.prefix:
            parts.append(f'"{_safe(t.prefix)}"*')
        else:
            alternatives = sorted({_safe(t.exact), _safe(stem(t.exact))})
            parts.append("(" + " OR ".join(f'"{a}"' for a in alternatives) + ")")
    return " AND ".join(parts)


def match(dialect: str, terms: Sequence[Term]):
    """(WHERE clause or None, subquery to join on `id` or None, rank expression) for a search.

    PostgreSQL tests the GIN-indexed `article.search_vector`; its rank (ts_rank_cd) is cheap only
    on few rows, so callers compute it on a bounded candidate set. SQLite joins the FTS5 table,
    whose bm25() comes with the match (lower is better; title hits weigh four times text hits).
    """
    if dialect == "postgresql":
        tsq = func.to_tsquery("simple", pg_tsquery(terms))
        vector = literal_column("article.search_vector")
        return vector.op("@@")(tsq), None, func.ts_rank_cd(vector, tsq)
    matches = (
        text(
            "SELECT rowid AS id, -bm25(article_fts, 4.0, 1.0) AS rank "
            "FROM article_fts WHERE article_fts MATCH :q"
        )
        .bindparams(q=fts5_query(terms))
        .columns(id=Integer, rank=Float)
        .subquery("m")
    )
    return None, matches, matches.c.rank


def index_articles(session: Session, rows: Iterable[tuple[int, str, str]]) -> None:
    """Write (id, title, text) of new articles into SQLite's FTS table; PostgreSQL needs nothing."""
    if session.get_bind().dialect.name != "sqlite":
        return
    params = [
        {"id": article_id, "title": stemmed(title or ""), "text": stemmed(body or "")}
        for article_id, title, body in rows
    ]
    if params:
        session.execute(
            text(
                "INSERT OR REPLACE INTO article_fts (rowid, title, text) "
                "VALUES (:id, :title, :text)"
            ),
            params,
        )


def highlight(value: str, terms: Sequence[Term], width: int = 260) -> Markup:
    """An escaped snippet of `value` around the first match, matched words wrapped in <mark>."""
    if not value:
        return Markup("")
    spans = [
        m.span() for m in WORD.finditer(value) if any(t.matches(stem(m.group())) for t in terms)
    ]
    start = 0
    if spans and spans[0][0] > width // 3:
        start = value.rfind(" ", 0, spans[0][0] - width // 3) + 1
    end = min(len(value), start + width)
    if end < len(value):
        cut = value.rfind(" ", start, end)
        end = cut if cut > start else end
    out = [Markup("…") if start else Markup("")]
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(value[pos:s]))
        out.append(Markup("<mark>") + escape(value[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(value[pos:end]))
    if end < len(value):
        out.append(Markup("…"))
    return Markup("").join(out)

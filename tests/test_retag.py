"""`howardshome retag`: an editor's new synonym reaches stored articles, with its explanation,
and editors' manual corrections survive, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text

from crawler.retag import json_encoder, retag, tag_record
from models import store
from models.db import ensure_schema, make_engine, session_factory, transaction
from models.entities import Article, ArticleRegion, ArticleTheme, ThemeCorrection
from models.taxonomy import load_taxonomy
from tagging import Match, Tagger
from tests.conftest import ROOT, cli_env

SOURCE = SimpleNamespace(
    id="gemeente-zeist",
    name="Gemeente Zeist",
    type="gemeente",
    url="https://www.zeist.nl/",
    region="gemeente-zeist",
    province="provincie-utrecht",
    themes=[],
    enabled=True,
)
ARTICLES = {
    # Nothing in the shipped taxonomy says energy here; the editor's new synonym will.
    "accu": (
        "Inwoners van Zeist kunnen een bijdrage krijgen voor een thuisaccu",
        "Vanaf juni kunnen inwoners een bijdrage aanvragen voor een thuisaccu. De regeling "
        "loopt tot eind volgend jaar. Aanvragen kan via de website van de gemeente.",
    ),
    # Clearly climate adaptation to the tagger; an editor removes that theme by hand.
    "wadi": (
        "Waterschap legt wadi's aan tegen wateroverlast in Zeist",
        "Bij hevige regenbuien lopen straten in Zeist onder. Het waterschap legt daarom wadi's "
        "en een waterberging aan. Bewoners kunnen ook hun regenpijp afkoppelen.",
    ),
    # Names with diacritics: the stored explanations hold non-ASCII text (JSON forms differ).
    "fryslan": (
        "Súdwest-Fryslân en Noardeast-Fryslân delen één warmtenet",
        "De gemeenten Súdwest-Fryslân en Noardeast-Fryslân leggen samen een warmtenet aan. "
        'De provincie Fryslân draagt bij aan het "collectieve" warmtenet.',
    ),
}


def _store(factory, tagger: Tagger, taxonomy) -> dict[str, int]:
    now = datetime.now(UTC)
    records = []
    for key, (title, body) in ARTICLES.items():
        url = f"https://www.zeist.nl/nieuws/{key}"
        tags = tag_record(tagger.tag(title, body, source_region=SOURCE.region))
        records.append(
            SimpleNamespace(
                url_hash=hashlib.md5(url.encode()).hexdigest(),
                url=url,
                found_url=url,
                source_id=SOURCE.id,
                title=title,
                text=body,
                excerpt=body[:280],
                author=None,
                language="nl",
                published_at=now,
                fetched_at=now,
                content_hash=hashlib.md5(body.encode()).hexdigest(),
                simhash=0,
                themes=tags.themes,
                regions=tags.regions,
            )
        )
    with transaction(factory) as session:
        store.sync_sources(session, [SOURCE])
        store.sync_themes(session, taxonomy.themes)
        store.store_articles(session, records)
    with factory() as session:
        return {
            url.rsplit("/", 1)[1]: i for i, url in session.execute(select(Article.id, Article.url))
        }


def _themes(factory) -> dict[int, dict[str, tuple[str, list[tuple]]]]:
    """article id -> theme slug -> (origin, [(term, field, matched text)])."""
    result: dict[int, dict[str, tuple[str, list[tuple]]]] = {}
    with factory() as session:
        for row in session.scalars(select(ArticleTheme)):
            matches = [(m["term"], m["field"], m["text"]) for m in row.matches]
            result.setdefault(row.article_id, {})[row.theme_slug] = (row.origin, matches)
    return result


def _add_synonym(path, slug: str, term: str, weight: int) -> None:
    """Edit the YAML as an editor would: one new line under the theme's terms."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"  - slug: {slug}\n")
    at = next(i for i in range(start, len(lines)) if lines[i] == "    terms:\n")
    lines.insert(at + 1, f"      {term}: {weight}\n")
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def stored(db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    taxonomy = load_taxonomy(ROOT / "themes.yaml")
    ids = _store(factory, Tagger.from_taxonomy(taxonomy), taxonomy)
    yield factory, ids
    engine.dispose()


def test_new_synonym_tags_after_retag_and_corrections_survive(stored, db_url, cli, tmp_path):
    factory, ids = stored
    accu, wadi = ids["accu"], ids["wadi"]
    before = _themes(factory)
    assert "energietransitie" not in before.get(accu, {})
    assert "klimaatadaptatie" in before[wadi]
    with transaction(factory) as session:  # what the portal's editor tools record
        session.add(
            ThemeCorrection(
                article_id=accu, theme_slug="burger-en-participatie", action="add", editor="e"
            )
        )
        session.add(
            ThemeCorrection(
                article_id=wadi, theme_slug="klimaatadaptatie", action="remove", editor="e"
            )
        )
    themes = tmp_path / "themes.yaml"
    shutil.copy(ROOT / "themes.yaml", themes)
    _add_synonym(themes, "energietransitie", "thuisaccu", 3)

    result = cli(["retag"], cli_env(db_url, HOWARDSHOME_THEMES=str(themes)))
    assert result.returncode == 0, result.stderr
    assert "retagged 3 articles" in result.stdout

    after = _themes(factory)
    origin, matches = after[accu]["energietransitie"]
    assert origin == "auto"
    assert matches == [("thuisaccu", "title", "thuisaccu"), ("thuisaccu", "text", "thuisaccu")]
    assert after[accu]["burger-en-participatie"] == ("manual", [])
    assert "klimaatadaptatie" not in after.get(wadi, {})
    with factory() as session:
        regions = set(
            session.scalars(
                select(ArticleRegion.region_slug).where(ArticleRegion.article_id == accu)
            )
        )
    assert regions == {"gemeente-zeist", "provincie-utrecht"}

    # A second retag with the same file changes nothing.
    again = cli(["retag"], cli_env(db_url, HOWARDSHOME_THEMES=str(themes)))
    assert again.returncode == 0, again.stderr
    assert _themes(factory) == after


def test_retag_without_the_synonym_takes_the_tag_away(stored, db_url, cli, tmp_path):
    factory, ids = stored
    themes = tmp_path / "themes.yaml"
    shutil.copy(ROOT / "themes.yaml", themes)
    _add_synonym(themes, "energietransitie", "thuisaccu", 3)
    env = cli_env(db_url, HOWARDSHOME_THEMES=str(themes))
    assert cli(["retag"], env).returncode == 0
    assert "energietransitie" in _themes(factory)[ids["accu"]]
    shutil.copy(ROOT / "themes.yaml", themes)  # the editor takes the synonym out again
    assert cli(["retag"], env).returncode == 0
    assert "energietransitie" not in _themes(factory).get(ids["accu"], {})


def _versions(factory, table: str, key: str) -> dict:
    """PostgreSQL: each row's xmin, which changes whenever the row is written."""
    with factory() as session:
        return dict(session.execute(text(f"SELECT {key}, xmin::text FROM {table}")).all())


def test_retag_writes_only_rows_that_changed(stored, db_url):
    factory, ids = stored
    taxonomy = load_taxonomy(ROOT / "themes.yaml")
    first = retag(factory, taxonomy)  # as stored by the crawl: nothing to write
    assert (first.articles, first.changed, first.rows_written) == (3, 0, 0)
    postgres = db_url.startswith("postgresql")
    if postgres:
        keys = {"article": "id", "article_search": "article_id", "article_theme": "theme_slug",
                "article_region": "region_slug"}  # fmt: skip
        before = {table: _versions(factory, table, key) for table, key in keys.items()}

    edited = load_taxonomy(ROOT / "themes.yaml")
    edited.by_slug()["energietransitie"].terms["thuisaccu"] = 3.0
    second = retag(factory, edited)
    assert (second.changed, second.inserted, second.updated, second.deleted) == (1, 1, 0, 0)
    assert "energietransitie" in _themes(factory)[ids["accu"]]
    third = retag(factory, edited)
    assert third.rows_written == 0
    if postgres:  # the articles and their search rows were never written: no re-indexing
        after = {table: _versions(factory, table, key) for table, key in keys.items()}
        assert after["article"] == before["article"]
        assert after["article_search"] == before["article_search"]
        assert after["article_region"] == before["article_region"]

    with transaction(factory) as session:  # an editor takes a tag off after the retag
        session.add(
            ThemeCorrection(
                article_id=ids["fryslan"], theme_slug="energietransitie", action="remove",
                editor="e",
            )
        )  # fmt: skip
    fourth = retag(factory, edited)
    assert (fourth.changed, fourth.deleted, fourth.inserted) == (1, 1, 0)
    assert "energietransitie" not in _themes(factory).get(ids["fryslan"], {})
    assert retag(factory, edited).rows_written == 0


def test_json_encoder_gives_the_text_the_database_returns(db_url):
    """The stored explanations are compared as text: the encoder must write what the backend
    reads back, for any text a page may hold."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    matches = [
        Match("Súdwest-Fryslân", "text", 3, 18, 'Súdwest-Fryslân "quoted" \\ é\n\t\x01\u2028😀'),
        Match("RES", "title", 0, 3, "RES"),
    ]
    encode = json_encoder(engine.dialect.name)
    factory = session_factory(engine)
    try:
        ids = _store(factory, Tagger.from_taxonomy(load_taxonomy(ROOT / "themes.yaml")),
                     load_taxonomy(ROOT / "themes.yaml"))  # fmt: skip
        with transaction(factory) as session:
            session.add(
                ArticleTheme(article_id=ids["accu"], theme_slug="omgevingswet", score=1.0,
                             matches=[vars(m) for m in matches], origin="auto")
            )  # fmt: skip
        with factory() as session:
            stored = session.scalar(
                text(
                    "SELECT CAST(matches AS TEXT) FROM article_theme "
                    "WHERE article_id = :a AND theme_slug = 'omgevingswet'"
                ),
                {"a": ids["accu"]},
            )
        assert stored == encode(matches)
        assert encode([]) == "[]"
    finally:
        engine.dispose()


def test_rows_written_by_retag_carry_their_articles_sort_at(stored):
    """Retag gives sort_at with every new row (the copying trigger then does nothing); rows
    written without it, by the store, get it from the trigger."""
    factory, _ = stored
    taxonomy = load_taxonomy(ROOT / "themes.yaml")
    check = (
        "SELECT count(*), sum(CASE WHEN t.sort_at = a.sort_at THEN 1 ELSE 0 END) "
        "FROM {table} t JOIN article a ON a.id = t.article_id"
    )
    with factory() as session:
        for table in ("article_theme", "article_region"):
            rows, same = session.execute(text(check.format(table=table))).one()
            assert rows and rows == same, table
    with transaction(factory) as session:
        session.execute(text("DELETE FROM article_theme"))
        session.execute(text("DELETE FROM article_region"))
    report = retag(factory, taxonomy)
    assert report.inserted and not report.updated
    with factory() as session:
        for table in ("article_theme", "article_region"):
            rows, same = session.execute(text(check.format(table=table))).one()
            assert rows and rows == same, table

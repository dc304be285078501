"""What the crawler keeps between runs: failed pages retried a bounded number of times, seen_url
pruned by age and once stored, listing hashes saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models import recrawl, store
from models.db import ensure_schema, make_engine, session_factory, transaction
from models.entities import Article, FetchState, SeenUrl, Source


def _session(db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    return engine, session_factory(engine)


def test_a_failed_page_is_retried_until_max_attempts_then_skipped(db_url):
    engine, factory = _session(db_url)
    failed = [("k1", "src", "https://a.nl/nieuws/1", "extraction worker crashed")]
    for attempt in range(1, recrawl.MAX_ATTEMPTS):
        with transaction(factory) as session:
            recrawl.remember_failed(session, failed)
        with transaction(factory) as session:
            (row,) = session.scalars(select(SeenUrl)).all()
            assert row.attempts == attempt
            assert [r[0] for r in recrawl.retry_urls(session)] == ["k1"]
            assert "k1" not in store.seen_url_hashes(session)
    with transaction(factory) as session:
        recrawl.remember_failed(session, failed)  # the last attempt failed too
    with transaction(factory) as session:
        assert recrawl.retry_urls(session) == []
        assert store.seen_url_hashes(session) == {"k1"}
        # A page later found to be no article is no longer retried either.
        recrawl.remember_failed(session, [("k2", "src", "https://a.nl/2", "HTTP 500")])
        store.remember_seen(session, [("k2", "src", "no article text found")])
    with transaction(factory) as session:
        assert recrawl.retry_urls(session) == []
    engine.dispose()


def test_prune_deletes_old_rows_and_rows_of_stored_articles_in_batches(db_url):
    engine, factory = _session(db_url)
    now = datetime.now(UTC)
    old = now - timedelta(days=store.SEEN_RECHECK_DAYS + 1)
    with transaction(factory) as session:
        session.add(Source(id="s", name="Bron", url="https://a.nl/"))
        session.flush()
        session.add_all(
            [SeenUrl(url_hash=f"old{i}", source_id="s", reason="r", seen_at=old) for i in range(5)]
            + [
                SeenUrl(url_hash=f"new{i}", source_id="s", reason="r", seen_at=now)
                for i in range(3)
            ]
        )
        session.add(
            Article(url_hash="new0", url="https://a.nl/x", source_id="s", title="t", text="x",
                    excerpt="x", sort_at=now, fetched_at=now, content_hash="c", simhash=0)
        )  # fmt: skip
    with transaction(factory) as session:
        assert recrawl.prune_seen(session, batch=2) == 6
    with transaction(factory) as session:
        assert set(session.scalars(select(SeenUrl.url_hash))) == {"new1", "new2"}
    engine.dispose()


def test_listing_hashes_are_saved_beside_validators(db_url):
    engine, factory = _session(db_url)
    with transaction(factory) as session:
        store.save_fetch_states(session, {"feed": ("https://a.nl/feed", '"e"', None, 200)})
        recrawl.save_listing_hashes(session, {"list": ("https://a.nl/nieuws", "abc")})
    with transaction(factory) as session:
        recrawl.save_listing_hashes(session, {"list": ("https://a.nl/nieuws", "def")})
    with transaction(factory) as session:
        assert recrawl.listing_hashes(session) == {"list": "def"}
        assert session.get(FetchState, "feed").etag == '"e"'
    engine.dispose()

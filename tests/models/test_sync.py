"""The catalog copied into the database each run: listed sources upserted, health kept, sources
no longer listed marked; listing hashes replaced, not duplicated."""

from __future__ import annotations

from sqlalchemy import select

from models import recrawl, store
from models.catalog import Source as CatalogSource
from models.db import ensure_schema, make_engine, session_factory, transaction
from models.entities import FetchState, Source


def _source(sid: str, name: str, **extra) -> CatalogSource:
    return CatalogSource(id=sid, name=name, url=f"https://www.{sid}.nl", **extra)


def test_sync_sources_updates_the_listed_keeps_health_and_marks_the_dropped(db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    with transaction(factory) as session:
        store.sync_sources(session, [_source("delft", "Gemeente Delft", type="gemeente"),
                                     _source("leiden", "Gemeente Leiden")])  # fmt: skip
    with transaction(factory) as session:
        delft = session.get(Source, "delft")
        delft.consecutive_failures, delft.articles_found = 2, 40
        created, updated = delft.created_at, delft.updated_at
    many = [_source(f"bron-{i:03d}", f"Bron {i}") for i in range(700)]  # more than one batch
    with transaction(factory) as session:
        store.sync_sources(session, [_source("delft", "Gemeente Delft (nieuw)", themes=["energie"],
                                             enabled=False), *many])  # fmt: skip
    with transaction(factory) as session:
        delft = session.get(Source, "delft")
        assert (delft.name, delft.theme_hints, delft.enabled) == (
            "Gemeente Delft (nieuw)", ["energie"], False)  # fmt: skip
        assert delft.type == "overig"  # the catalog's default now: every listed field follows it
        assert (delft.consecutive_failures, delft.articles_found) == (2, 40)
        assert delft.created_at == created and delft.updated_at > updated
        assert delft.in_catalog
        assert not session.get(Source, "leiden").in_catalog  # kept, with its articles
        listed = session.scalars(select(Source.id).where(Source.in_catalog)).all()
        assert len(listed) == 701
    engine.dispose()


def test_listing_hashes_of_many_listings_are_replaced_not_duplicated(db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    pages = {f"{i:032x}": (f"https://www.bron{i}.nl/nieuws", f"{i:032x}") for i in range(1200)}
    with transaction(factory) as session:
        recrawl.save_listing_hashes(session, pages)
    changed = {key: (url, "f" * 32) for key, (url, _) in list(pages.items())[:3]}
    with transaction(factory) as session:
        recrawl.save_listing_hashes(session, changed)
    with transaction(factory) as session:
        saved = recrawl.listing_hashes(session)
        assert len(saved) == 1200 and session.query(FetchState).count() == 1200
        assert [saved[key] for key in changed] == ["f" * 32] * 3
        key = f"{5:032x}"
        assert saved[key] == pages[key][1]
    engine.dispose()


def test_validators_of_a_run_are_saved_together_and_replace_the_last(db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    states = {
        f"{i:032x}": (f"https://www.bron{i}.nl/feed", f'"v{i}"', None, 200) for i in range(900)
    }
    with transaction(factory) as session:
        store.save_fetch_states(session, states)
        recrawl.save_listing_hashes(session, {"lijst": ("https://www.a.nl/nieuws", "a" * 32)})
    first = f"{0:032x}"
    with transaction(factory) as session:
        store.save_fetch_states(session, {
            first: ("https://www.bron0.nl/feed", None, "Tue, 01 Dec 2026 08:00:00 GMT", 304),
            "lijst": ("https://www.a.nl/nieuws", '"l"', None, 200),
        })  # fmt: skip
    with transaction(factory) as session:
        validators = store.load_fetch_states(session)
        assert len(validators) == 901
        assert validators[first] == (None, "Tue, 01 Dec 2026 08:00:00 GMT")
        assert validators[f"{7:032x}"] == ('"v7"', None)
        assert session.get(FetchState, first).last_status == 304
        assert session.get(FetchState, "lijst").body_hash == "a" * 32  # the listing's hash stays
    engine.dispose()


def test_sync_themes_follows_the_taxonomy(db_url):
    from models.entities import Theme
    from models.taxonomy import Theme as TaxonomyTheme

    def theme(slug: str, label: str) -> TaxonomyTheme:
        return TaxonomyTheme(slug=slug, label=label, axis="transitie", description=f"Over {label}",
                             terms={label.lower(): 1.0})  # fmt: skip

    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    with transaction(factory) as session:
        store.sync_themes(session, [theme("energie", "Energie"), theme("klimaat", "Klimaat")])
    with transaction(factory) as session:
        store.sync_themes(session, [theme("water", "Water"), theme("energie", "Energietransitie")])
    with transaction(factory) as session:
        rows = session.scalars(select(Theme).order_by(Theme.position)).all()
        assert [(t.slug, t.label, t.position) for t in rows] == [
            ("water", "Water", 0), ("energie", "Energietransitie", 1)]  # fmt: skip
    engine.dispose()

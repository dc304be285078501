"""How large values are stored: lz4 on PostgreSQL (migration 0011), the same text read back."""

from __future__ import annotations

from sqlalchemy import text

from models.db import make_engine
from tests.portal.data import fill

# Long enough, and with words enough, that both the text and its search vector get compressed.
LONG = " ".join(f"De raad besluit over warmtevisie{i} en wijkaanpak{i * 7}." for i in range(400))


def test_article_text_is_stored_and_compressed(db_url):
    ids = fill(db_url)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE article SET text = :t WHERE id = :i"), {"t": LONG, "i": ids["fiets"]}
        )
        stored = conn.execute(text("SELECT text FROM article WHERE id = :i"), {"i": ids["fiets"]})
        assert stored.scalar() == LONG
        if engine.dialect.name != "postgresql":
            return
        offered = conn.execute(
            text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        ).scalar()
        assert "lz4" in offered, "this server has no lz4: the migration keeps pglz"
        methods = conn.execute(
            text(
                "SELECT pg_column_compression(a.text), pg_column_compression(s.vector) "
                "FROM article a JOIN article_search s ON s.article_id = a.id WHERE a.id = :i"
            ),
            {"i": ids["fiets"]},
        ).one()
        assert methods == ("lz4", "lz4")
    engine.dispose()

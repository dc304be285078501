"""Dutch full-text search: tsvector + GIN on PostgreSQL, a stemmed FTS5 table on SQLite

Revision ID: 0002_search
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_search"
down_revision = "0001"
branch_labels = None
depends_on = None

PG_VECTOR = (
    "setweight(to_tsvector('dutch', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('dutch', left(coalesce(text, ''), 200000)), 'B')"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE article ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({PG_VECTOR}) STORED"
        )
        op.execute("CREATE INDEX ix_article_search_vector ON article USING gin (search_vector)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE article_fts USING fts5("
        "title, text, tokenize = 'unicode61 remove_diacritics 2', prefix = '4')"
    )
    from models.search import stemmed

    rows = bind.execute(sa.text("SELECT id, title, text FROM article")).all()
    for article_id, title, body in rows:
        bind.execute(
            sa.text("INSERT INTO article_fts (rowid, title, text) VALUES (:id, :t, :x)"),
            {"id": article_id, "t": stemmed(title or ""), "x": stemmed(body or "")},
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_search_vector")
        op.execute("ALTER TABLE article DROP COLUMN IF EXISTS search_vector")
    else:
        op.execute("DROP TABLE IF EXISTS article_fts")

"""PostgreSQL search in a narrow table: article_search(article_id, sort_at, hidden, vector)

Revision ID: 0005_article_search
Revises: 0004_portal_speed
Create Date: 2026-11-28

The tsvector lived on `article` (0002_search), whose rows carry title, excerpt and text: a search
for a common word visited one wide article row per match (tens of thousands of pages, most not in
shared_buffers) and read each candidate's vector from TOAST to filter or rank it. Here each
article has one narrow row (the vector kept out of line), so the rows of all matches of a word sit
on a few hundred pages; sort_at and hidden are copied so a search is ordered, windowed and
filtered without touching `article`. A trigger keeps the row in step with the article. SQLite
keeps its FTS5 table and needs nothing here.
"""

from alembic import op

revision = "0005_article_search"
down_revision = "0004_portal_speed"
branch_labels = None
depends_on = None

PG_VECTOR = (
    "setweight(to_tsvector('dutch', coalesce({row}title, '')), 'A') || "
    "setweight(to_tsvector('dutch', left(coalesce({row}text, ''), 200000)), 'B')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE article_search ("
        "article_id integer PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE, "
        "sort_at timestamptz NOT NULL, hidden boolean NOT NULL, vector tsvector NOT NULL) "
        # Vectors go out of line from 128 bytes: heap rows stay ~60 bytes, ~130 to a page.
        "WITH (toast_tuple_target = 128)"
    )
    op.execute(
        "INSERT INTO article_search (article_id, sort_at, hidden, vector) "
        "SELECT id, sort_at, hidden, search_vector FROM article"
    )
    op.execute("CREATE INDEX ix_article_search_vector_gin ON article_search USING gin (vector)")
    op.execute("CREATE INDEX ix_article_search_sort_at ON article_search (sort_at, article_id)")
    op.execute(
        "CREATE FUNCTION article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "INSERT INTO article_search (article_id, sort_at, hidden, vector) VALUES "
        f"(NEW.id, NEW.sort_at, NEW.hidden, {PG_VECTOR.format(row='NEW.')}) "
        "ON CONFLICT (article_id) DO UPDATE SET sort_at = EXCLUDED.sort_at, "
        "hidden = EXCLUDED.hidden, vector = EXCLUDED.vector; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER article_search_sync AFTER INSERT OR UPDATE OF title, text, sort_at, hidden "
        "ON article FOR EACH ROW EXECUTE FUNCTION article_search_sync()"
    )
    # The generated column is computed by the trigger now: drop it and its index (no reader left).
    op.execute("DROP INDEX IF EXISTS ix_article_search_vector")
    op.execute("ALTER TABLE article DROP COLUMN IF EXISTS search_vector")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"ALTER TABLE article ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({PG_VECTOR.format(row='')}) STORED"
    )
    op.execute("CREATE INDEX ix_article_search_vector ON article USING gin (search_vector)")
    op.execute("DROP TRIGGER IF EXISTS article_search_sync ON article")
    op.execute("DROP FUNCTION IF EXISTS article_search_sync()")
    op.execute("DROP TABLE IF EXISTS article_search")

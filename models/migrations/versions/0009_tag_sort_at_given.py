"""Tag rows: the sort_at copy is made only when the writer did not give it

Revision ID: 0009_tag_sort_at_given
Revises: 0008_crawl_retry
Create Date: 2026-11-29

Migration 0004 copies the article's sort_at onto every inserted theme and region row with a
trigger. `howardshome retag` reads sort_at with the articles and gives it: the trigger then has
nothing to do, but on SQLite it still ran an UPDATE after each inserted row (re-indexing the row's
two keyset indexes), 70% of the cost of writing a retag's rows. Writers that give no sort_at
(store, seed, editors) still get the copy; on PostgreSQL a changed article_id still re-copies it.
"""

from alembic import op

revision = "0009_tag_sort_at_given"
down_revision = "0008_crawl_retry"
branch_labels = None
depends_on = None

TAGS = ("article_theme", "article_region")


def _sqlite_trigger(table: str, condition: str) -> str:
    return (
        f"CREATE TRIGGER {table}_sort_at AFTER INSERT ON {table} {condition}BEGIN "
        f"UPDATE {table} SET sort_at = (SELECT sort_at FROM article "
        f"WHERE id = NEW.article_id) WHERE rowid = NEW.rowid; END"
    )


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for table in TAGS:
        if pg:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_sort_at ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_sort_at BEFORE INSERT ON {table} FOR EACH ROW "
                f"WHEN (NEW.sort_at IS NULL) EXECUTE FUNCTION tag_sort_at()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_article_moved BEFORE UPDATE OF article_id ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION tag_sort_at()"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_sort_at")
            op.execute(_sqlite_trigger(table, "WHEN NEW.sort_at IS NULL "))


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for table in TAGS:
        if pg:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_article_moved ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_sort_at ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_sort_at BEFORE INSERT OR UPDATE OF article_id ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION tag_sort_at()"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_sort_at")
            op.execute(_sqlite_trigger(table, ""))

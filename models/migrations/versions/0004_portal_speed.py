"""Portal speed: sort_at copied onto theme and region tags, keyset indexes, data_version

Revision ID: 0004_portal_speed
Revises: 0003_editor_action
Create Date: 2026-11-28

A theme or region list is "the newest articles with this tag": with the article's sort_at on the
tag row, an index on (theme_slug, sort_at, article_id) reads exactly the rows a page shows and
stops. Triggers keep the copy right whoever writes the tags (store, retag, seed, editors), so no
writer has to know about it. `data_version` is one row bumped by writers whose changes the other
signals (newest article, last run, last editor action) do not show, such as `howardshome retag`.
"""

import sqlalchemy as sa
from alembic import op

import models.entities.base

revision = "0004_portal_speed"
down_revision = "0003_editor_action"
branch_labels = None
depends_on = None

TAGS = ("article_theme", "article_region")
INDEXES = [  # (name, table, columns)
    ("ix_article_theme_keyset", "article_theme", ["theme_slug", "sort_at", "article_id"]),
    ("ix_article_region_keyset", "article_region", ["region_slug", "sort_at", "article_id"]),
    ("ix_article_region_province_keyset", "article_region", ["province", "sort_at", "article_id"]),
]


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    for table in TAGS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("sort_at", models.entities.base.UTCDateTime(timezone=True), nullable=True)
            )
        op.execute(
            f"UPDATE {table} SET sort_at = (SELECT sort_at FROM article "
            f"WHERE article.id = {table}.article_id)"
        )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    # The few hidden articles, so lists driven by tag rows leave them out without reading rows.
    hidden = sa.text("hidden")
    op.create_index("ix_article_hidden", "article", ["id"], postgresql_where=hidden,
                    sqlite_where=hidden)  # fmt: skip
    if pg:
        op.execute(
            "CREATE FUNCTION tag_sort_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "SELECT sort_at INTO NEW.sort_at FROM article WHERE id = NEW.article_id; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE FUNCTION article_sort_at_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE article_theme SET sort_at = NEW.sort_at WHERE article_id = NEW.id; "
            "UPDATE article_region SET sort_at = NEW.sort_at WHERE article_id = NEW.id; "
            "RETURN NULL; END $$"
        )
        for table in TAGS:
            op.execute(
                f"CREATE TRIGGER {table}_sort_at BEFORE INSERT OR UPDATE OF article_id ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION tag_sort_at()"
            )
        op.execute(
            "CREATE TRIGGER article_sort_at_moved AFTER UPDATE OF sort_at ON article FOR EACH ROW "
            "WHEN (OLD.sort_at IS DISTINCT FROM NEW.sort_at) "
            "EXECUTE FUNCTION article_sort_at_moved()"
        )
    else:
        for table in TAGS:
            op.execute(
                f"CREATE TRIGGER {table}_sort_at AFTER INSERT ON {table} BEGIN "
                f"UPDATE {table} SET sort_at = (SELECT sort_at FROM article "
                f"WHERE id = NEW.article_id) WHERE rowid = NEW.rowid; END"
            )
        op.execute(
            "CREATE TRIGGER article_sort_at_moved AFTER UPDATE OF sort_at ON article "
            "WHEN OLD.sort_at IS NOT NEW.sort_at BEGIN "
            "UPDATE article_theme SET sort_at = NEW.sort_at WHERE article_id = NEW.id; "
            "UPDATE article_region SET sort_at = NEW.sort_at WHERE article_id = NEW.id; END"
        )
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", models.entities.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute(
        "INSERT INTO data_version (id, version, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP)"
    )


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_table("data_version")
    op.execute(
        "DROP TRIGGER IF EXISTS article_sort_at_moved"
        + (" ON article" if bind.dialect.name == "postgresql" else "")
    )
    for table in TAGS:
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_sort_at"
            + (f" ON {table}" if bind.dialect.name == "postgresql" else "")
        )
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS tag_sort_at()")
        op.execute("DROP FUNCTION IF EXISTS article_sort_at_moved()")
    op.drop_index("ix_article_hidden", table_name="article")
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    for table in TAGS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sort_at")

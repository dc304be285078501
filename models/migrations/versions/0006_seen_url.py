"""seen_url: pages downloaded but not stored, so the next crawl does not fetch them again

Revision ID: 0006_seen_url
Revises: 0005_article_search
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

import models.entities.base

revision = "0006_seen_url"
down_revision = "0005_article_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_url",
        sa.Column("url_hash", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("seen_at", models.entities.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url_hash", name=op.f("pk_seen_url")),
    )


def downgrade() -> None:
    op.drop_table("seen_url")

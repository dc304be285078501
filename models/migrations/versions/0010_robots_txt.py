"""Each site's robots.txt as last read (robots_txt), used again while fresh

Revision ID: 0010_robots_txt
Revises: 0009_tag_sort_at_given
Create Date: 2026-12-02

A night with nothing new asked every site for its robots.txt again; RFC 9309 lets a crawler
use a copy for up to 24 hours.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_robots_txt"
down_revision = "0009_tag_sort_at_given"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "robots_txt",
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_robots_txt")),
    )


def downgrade() -> None:
    op.drop_table("robots_txt")

"""Retry failed pages (seen_url.retry_url, attempts); unchanged listings (fetch_state.body_hash)

Revision ID: 0008_crawl_retry
Revises: 0007_login_attempt
Create Date: 2026-11-29

A page whose extraction crashed or timed out (or whose download failed) was not tried again
while its feed answered 304: it is now remembered with the URL to retry and the attempts made.
A listing page served without validators is recognised as unchanged by the hash of its body.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_crawl_retry"
down_revision = "0007_login_attempt"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seen_url") as batch_op:
        batch_op.add_column(sa.Column("retry_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("fetch_state") as batch_op:
        batch_op.add_column(sa.Column("body_hash", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fetch_state") as batch_op:
        batch_op.drop_column("body_hash")
    with op.batch_alter_table("seen_url") as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("retry_url")

"""login_attempt: editor login attempts, so the rate limit holds across portal workers

Revision ID: 0007_login_attempt
Revises: 0006_seen_url
Create Date: 2026-11-29

The limit was kept in each process's memory: with 4 uvicorn workers a client got 4 times the
allowed attempts. Rows live for one login window; a successful login deletes its client's rows.
"""

import sqlalchemy as sa
from alembic import op

import models.entities.base

revision = "0007_login_attempt"
down_revision = "0006_seen_url"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("at", models.entities.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    op.create_index("ix_login_attempt_client_at", "login_attempt", ["client", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_attempt_client_at", table_name="login_attempt")
    op.drop_table("login_attempt")

"""editor_action: the portal editors' log (hide, theme corrections)

Revision ID: 0003_editor_action
Revises: 0002_search
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import models.entities.base

revision = "0003_editor_action"
down_revision = "0002_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editor_action",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", models.entities.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("editor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_editor_action_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editor_action")),
    )
    with op.batch_alter_table("editor_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_editor_action_article_id"), ["article_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("editor_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_editor_action_article_id"))
    op.drop_table("editor_action")

"""The first schema: turns (with their citations), citations counted per day and section, feedback.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guidebot_turns",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("index_version", sa.String(80), nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("corrections", sa.Text),
        sa.Column("reason", sa.String(32)),
        sa.Column("subject", sa.String(300)),
        sa.Column("need", sa.String(100)),
        sa.Column("question", sa.Text),
        sa.Column("answer", sa.Text),
        sa.Column("citations", sa.Text),
    )
    op.create_index("guidebot_turns_ts", "guidebot_turns", ["ts"])
    op.create_table(
        "guidebot_citation_counts",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("doc_id", sa.String(200), primary_key=True),
        sa.Column("section", sa.String(300), primary_key=True),
        sa.Column("citations", sa.Integer, nullable=False),
    )
    op.create_table(
        "guidebot_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("turn_id", sa.String(32), nullable=False),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("rating", sa.String(4), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("question", sa.Text),
        sa.Column("answer", sa.Text),
    )
    op.create_index("guidebot_feedback_ts", "guidebot_feedback", ["ts"])
    op.create_index("guidebot_feedback_turn", "guidebot_feedback", ["turn_id"])


def downgrade() -> None:
    op.drop_table("guidebot_feedback")
    op.drop_table("guidebot_citation_counts")
    op.drop_table("guidebot_turns")

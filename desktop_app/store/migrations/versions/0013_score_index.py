"""drop ``ix_health_scores_cover``: no reader uses it any more, every rescore maintained it

Revision ID: 0013_score_index
Revises: 0012_import3
Create Date: 2026-12-06

The index (account id, score, band) was added by ``0002`` so that loading the book could
read scores and bands without the rows' 2 KB of breakdown JSON. The book has read each
row's band reason too since ``0003`` (not in the index), breakdowns are now ~50-600 bytes,
and every query on ``health_scores`` either scans the table or searches it by its primary
key (``EXPLAIN QUERY PLAN`` of the book reader, the history readers, overrides and
transitions). Writing 100k score rows kept a second B-tree of 100k entries: ~0.08 s of
each full rescore at 100k, and ~3 MB of the file.
"""

from alembic import op

revision = "0013_score_index"
down_revision = "0012_import3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_health_scores_cover", table_name="health_scores")


def downgrade() -> None:
    op.create_index("ix_health_scores_cover", "health_scores", ["account_id", "score", "band"])

"""A lead's page shows how many leads its blog post brought: counted from an index alone.

The count (``detail._post``: the post's submissions that are leads) read ``ix_submissions_post_id``
and then every counted row for ``is_submission``: a post that brought 90k of a million leads
took ~385 ms on PostgreSQL and 2-8 s on SQLite with a cold cache, each time one of its leads was
opened (bench_window_actions, tenth session). ``ix_submissions_post_leads`` holds the flag beside
the post, so the count reads the index alone; it serves the post's foreign key as the old index
did (a deleted post sets its leads' ``post_id`` to NULL), so that one goes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_submissions_post_leads', 'submissions', ['post_id', 'is_submission'])
    op.drop_index('ix_submissions_post_id', table_name='submissions')


def downgrade() -> None:
    op.create_index('ix_submissions_post_id', 'submissions', ['post_id'])
    op.drop_index('ix_submissions_post_leads', table_name='submissions')

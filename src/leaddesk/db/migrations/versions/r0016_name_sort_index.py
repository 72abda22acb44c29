"""A list sorted by the visitor's name reads an index of its own, never every row.

Sorting the Inbox of a million leads by "Visitor" read each row's name from the table (the raw
mail is inline, 3.4 GB): 1.2-3 s to the first page with the file cached, 23 s after a cold start.
``ix_submissions_name`` holds the name in the list's order (name, then id) beside the columns the
usual filters test, so the first page and the whole id list walk the index alone: 1 ms and 90 ms.
See ``leaddesk.query.filters.WALKED_SORTS`` for how the walk is chosen.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 02:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_submissions_name', 'submissions',
                    ['visitor_name', 'id', 'is_submission', 'status', 'topic', 'assignee_id'])


def downgrade() -> None:
    op.drop_index('ix_submissions_name', table_name='submissions')

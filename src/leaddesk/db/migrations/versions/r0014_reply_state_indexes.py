"""The sidebar's "Needs reply" and "Overdue" counts read two partial indexes, not a million rows.

Both views narrow by columns no index held (who wrote last; whether anyone answered), so each
count, facet and first page looked up every new, open and waiting lead in the table: at a
million leads ~1.9 s per count, and the sidebar counts both after every filter change, in the
one database worker, ahead of the next list the user asked for (bench_window_actions).

``ix_submissions_needs_reply`` holds the leads whose visitor wrote last (or that nobody answered),
``ix_submissions_unanswered`` those nobody answered at all, each with the columns their views'
counts, facets and id lists read, so that SQLite and PostgreSQL read the index alone: at a
million leads a count took 1.9 s and now 30 and 90 ms, the Needs reply view's whole id list
1.1 s of row look-ups. The facets' groups lead, in their order, and the arrival date follows
them (before the topic, SQLite took the facets index for the Overdue view's facets and read
every row: 1.2 s against 0.46). Their conditions are written exactly as
:func:`leaddesk.query.filters.needs_reply_condition` and ``overdue_condition`` write theirs:
SQLite uses a partial index only for a query that holds the index's condition term for term.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

NEEDS_REPLY = "last_outbound_at IS NULL OR last_inbound_at > last_outbound_at"
UNANSWERED = "first_answered_at IS NULL"


def upgrade() -> None:
    op.create_index('ix_submissions_needs_reply', 'submissions',
                    ['is_submission', 'status', 'topic', 'assignee_id', 'received_at',
                     'last_inbound_at', 'last_outbound_at'],
                    sqlite_where=sa.text(NEEDS_REPLY), postgresql_where=sa.text(NEEDS_REPLY))
    op.create_index('ix_submissions_unanswered', 'submissions',
                    ['is_submission', 'status', 'topic', 'assignee_id', 'received_at',
                     'first_answered_at'],
                    sqlite_where=sa.text(UNANSWERED), postgresql_where=sa.text(UNANSWERED))


def downgrade() -> None:
    op.drop_index('ix_submissions_unanswered', table_name='submissions')
    op.drop_index('ix_submissions_needs_reply', table_name='submissions')

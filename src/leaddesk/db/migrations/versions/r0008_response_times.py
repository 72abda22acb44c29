"""Response times: when each lead was first answered, and settings the whole team shares.

``submissions.first_answered_at`` is the earliest outbound e-mail of the conversation (LeadDesk's
own replies and the team's mail found in a Sent folder), kept by leaddesk.conversations from now
on and filled here from the messages already stored, so "overdue" and the response-time insights
are right from the first start. ``team_settings`` holds the business hours and the response
target (JSON per key), shared by every desktop on one database.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leaddesk.db.types import PortableJSON, UTCDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('team_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', PortableJSON, nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_team_settings'))
    )
    # Plain ADD COLUMN, not a batch copy: SQLite refuses to rebuild tables the search triggers name.
    op.add_column('submissions', sa.Column('first_answered_at', UTCDateTime(), nullable=True))
    # Times are copied as stored (the same column type), so min() compares like with like.
    op.execute(
        "UPDATE submissions SET first_answered_at = (SELECT min(m.sent_at) FROM messages m "
        "WHERE m.submission_id = submissions.id AND m.direction = 'out') "
        "WHERE id IN (SELECT submission_id FROM messages WHERE direction = 'out')")


def downgrade() -> None:
    op.drop_column('submissions', 'first_answered_at')
    op.drop_table('team_settings')

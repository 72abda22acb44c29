"""Conversations: the e-mails of a lead after its submission (our replies, the visitor's
answers, colleagues' replies found in a Sent folder), and per-lead attention fields.

Replies LeadDesk sent before this revision become outbound messages of their lead, so the
timeline, the message counts and "needs reply" are right from the first start.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leaddesk.db.types import UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('from_name', sa.String(length=255), nullable=True),
    sa.Column('from_addr', sa.String(length=320), nullable=True),
    sa.Column('to_addrs', sa.Text(), nullable=True),
    sa.Column('cc_addrs', sa.Text(), nullable=True),
    sa.Column('sent_at', UTCDateTime(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=True),
    sa.Column('in_reply_to', sa.String(length=998), nullable=True),
    sa.Column('references', sa.Text(), nullable=True),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('source_key', sa.String(length=512), nullable=True),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.Column('author', sa.String(length=120), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_messages_direction')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_messages_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_messages_reply_id_replies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_messages_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('source_key', name=op.f('uq_messages_source_key')),
    sa.UniqueConstraint('submission_id', 'message_id', name=op.f('uq_messages_submission_id_message_id'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_messages_submission_sent', ['submission_id', 'sent_at'], unique=False)

    # Plain ADD COLUMN, not a batch copy: SQLite refuses to rebuild tables the search triggers name.
    op.add_column('submissions', sa.Column('unread', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('submissions', sa.Column('message_count', sa.Integer(), server_default='1', nullable=False))
    op.add_column('submissions', sa.Column('last_inbound_at', UTCDateTime(), nullable=True))
    op.add_column('submissions', sa.Column('last_outbound_at', UTCDateTime(), nullable=True))

    # The replies already sent join their leads' conversations; times are copied as stored.
    op.execute(
        "INSERT INTO messages (submission_id, direction, from_name, to_addrs, cc_addrs, sent_at, "
        "subject, body_text, message_id, in_reply_to, \"references\", raw, account_id, reply_id, "
        "author, created_at) "
        "SELECT submission_id, 'out', author, to_addrs, cc_addrs, sent_at, subject, body, "
        "message_id, in_reply_to, \"references\", raw, account_id, id, author, sent_at "
        "FROM replies WHERE state = 'sent' AND sent_at IS NOT NULL")
    op.execute("UPDATE submissions SET last_inbound_at = received_at")
    op.execute(
        "UPDATE submissions SET "
        "message_count = 1 + (SELECT count(*) FROM messages m WHERE m.submission_id = submissions.id), "
        "last_outbound_at = (SELECT max(m.sent_at) FROM messages m "
        "WHERE m.submission_id = submissions.id) "
        "WHERE id IN (SELECT submission_id FROM messages)")


def downgrade() -> None:
    op.drop_column('submissions', 'last_outbound_at')
    op.drop_column('submissions', 'last_inbound_at')
    op.drop_column('submissions', 'message_count')
    op.drop_column('submissions', 'unread')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_submission_sent')
        batch_op.drop_index(batch_op.f('ix_messages_message_id'))
    op.drop_table('messages')
